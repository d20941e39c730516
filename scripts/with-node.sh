#!/usr/bin/env bash
# Runs a command with a Node >= 22.5 first on PATH (fauxqs needs node:sqlite).
# Uses the current `node` when it is new enough; otherwise installs Node 24 from
# the npm registry into .tools/node once (about 15 s) and uses that.
#   scripts/with-node.sh node --version
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools/node"

node_is_recent() {
  "$1" -e 'const [major, minor] = process.versions.node.split(".").map(Number);
process.exit(major > 22 || (major === 22 && minor >= 5) ? 0 : 1)' >/dev/null 2>&1
}

platform_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "with-node: unsupported OS $(uname -s); install Node 24 yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "with-node: unsupported CPU $(uname -m); install Node 24 yourself" >&2; return 1 ;;
  esac
  echo "node-$os-$arch"
}

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-node.sh COMMAND [ARGS...]" >&2
  exit 2
fi

if ! (command -v node >/dev/null 2>&1 && node_is_recent node); then
  PACKAGE="$(platform_package)"
  LOCAL_BIN="$TOOLS/node_modules/$PACKAGE/bin"
  if ! node_is_recent "$LOCAL_BIN/node"; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "with-node: Node >= 22.5 is required and npm is not available to fetch it; install Node 24" >&2
      exit 1
    fi
    echo "with-node: $(node --version 2>/dev/null || echo 'no node') is too old; installing Node 24 into .tools/node (one time, ~15 s)" >&2
    npm i --prefix "$TOOLS" --no-audit --no-fund "$PACKAGE@24" >&2
    node_is_recent "$LOCAL_BIN/node" || { echo "with-node: the installed Node does not run" >&2; exit 1; }
  fi
  export PATH="$LOCAL_BIN:$PATH"
fi

exec "$@"
