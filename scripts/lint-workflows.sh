#!/usr/bin/env bash
# Checks the GitHub Actions workflows against GitHub's schema (action-validator,
# a WebAssembly build from the npm registry), and that the release workflow
# keeps what n8n's verification needs: every package packed (npm run package)
# and published with provenance, which needs the OIDC token.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for workflow in .github/workflows/*.yml; do npx --no-install action-validator "$workflow"; done
release=.github/workflows/release.yml
grep -q 'npm publish --provenance' "$release" || { echo "lint-workflows: $release must publish with --provenance" >&2; exit 1; }
grep -q 'run: npm run package' "$release" || { echo "lint-workflows: $release must pack every package (npm run package)" >&2; exit 1; }
grep -Eq '^\s*id-token:\s*write' "$release" || { echo "lint-workflows: $release needs permissions id-token: write" >&2; exit 1; }
echo "lint-workflows: $(ls .github/workflows/*.yml | wc -l) workflows valid"
