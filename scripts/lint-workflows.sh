#!/usr/bin/env bash
# Checks the GitHub Actions workflows against GitHub's schema (action-validator,
# a WebAssembly build from the npm registry): this repository's, and the release
# workflow of every split repository (build/repos/<name>/, written by
# `npm run build`); and that the releases keep what n8n's verification needs:
#   - here: every package split and packed (npm run package), the all-in-one
#     published with provenance, each split repository pushed with its own
#     deploy token (SPLIT_TOKEN_<SERVICE>);
#   - in each split repository: install from its lockfile, build, n8n's lint,
#     publish with provenance, which needs the OIDC token.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fail() { echo "lint-workflows: $*" >&2; exit 1; }
[ -f build/packages.json ] || fail "build/packages.json is missing: run npm run build first"

splits=(build/repos/*/.github/workflows/release.yml)
for workflow in .github/workflows/*.yml "${splits[@]}"; do npx --no-install action-validator "$workflow"; done

release=.github/workflows/release.yml
grep -q 'run: npm run package' "$release" || fail "$release must split and pack every package (npm run package)"
grep -q 'npm publish --provenance' "$release" || fail "$release must publish the all-in-one with --provenance"
grep -q 'node scripts/push-splits.js' "$release" || fail "$release must push the split repositories (scripts/push-splits.js)"
grep -Eq '^\s*id-token:\s*write' "$release" || fail "$release needs permissions id-token: write"
for variable in $(node -e '
  const { ALL_IN_ONE, listPackages } = require("./scripts/packages");
  const { tokenVariable } = require("./scripts/push-splits");
  for (const entry of listPackages(".")) if (entry.name !== ALL_IN_ONE) console.log(tokenVariable(entry.name));'); do
  grep -Eq "^\s*${variable}: \\$\{\{ secrets\.${variable} \}\}" "$release" || fail "$release must hand scripts/push-splits.js ${variable}"
done

for workflow in "${splits[@]}"; do
  for step in 'run: npm ci' 'run: npm run build' 'run: npm run lint' 'run: npm publish --provenance'; do
    grep -q "$step" "$workflow" || fail "$workflow must have the step '$step'"
  done
  grep -Eq '^\s*id-token:\s*write' "$workflow" || fail "$workflow needs permissions id-token: write"
done
echo "lint-workflows: $(ls .github/workflows/*.yml | wc -l) workflows here and ${#splits[@]} split release workflows valid"
