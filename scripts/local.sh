#!/usr/bin/env bash
# `npm start`: the whole system on one machine, no cloud account, no Docker.
# Installs dependencies when needed, builds the apps, then hands over to
# scripts/local-run.mjs (emulator + AI simulator + api/worker in one process).
# npm's and nest's own output is shown only when they fail.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Re-run under a Node >= 22.5 (installed into .tools/node when the system one is older).
if [ "${GRAPHNODE_LOCAL_WITH_NODE:-}" != "1" ]; then
  export GRAPHNODE_LOCAL_WITH_NODE=1
  exec bash scripts/with-node.sh bash "$ROOT/scripts/local.sh" "$@"
fi

# Runs a command with its output set aside; prints that output only if the command fails.
quietly() {
  local log status=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    echo "local: '$*' failed (exit $status)" >&2
  fi
  rm -f "$log"
  return "$status"
}

echo "local: Node $(node --version)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "local: installing dependencies (npm ci, about a minute)"
  quietly npm ci --no-audit --no-fund
fi

echo "local: building api, worker, ai-simulator and local"
quietly npm run --silent build

exec node scripts/local-run.mjs "$@"
