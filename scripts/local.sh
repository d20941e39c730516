#!/usr/bin/env bash
# `npm start`: the whole system on one machine, no cloud account, no Docker.
# Installs dependencies when needed, builds the apps, then hands over to
# scripts/local-run.mjs (emulator + AI simulator + api/worker in one process).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Re-run under a Node >= 22.5 (installed into .tools/node when the system one is older).
if [ "${GRAPHNODE_LOCAL_WITH_NODE:-}" != "1" ]; then
  export GRAPHNODE_LOCAL_WITH_NODE=1
  exec bash scripts/with-node.sh bash "$ROOT/scripts/local.sh" "$@"
fi

echo "local: using Node $(node --version)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "local: installing dependencies (npm ci, about a minute)"
  npm ci --no-audit --no-fund
fi

has_project() {
  node -e 'process.exit(require("./nest-cli.json").projects?.[process.argv[1]] ? 0 : 1)' "$1"
}

for project in api worker ai-simulator local; do
  if [ ! -f "apps/$project/src/main.ts" ]; then
    echo "local: skipping $project (apps/$project/src/main.ts does not exist yet)"
    continue
  fi
  if ! has_project "$project"; then
    echo "local: skipping $project (not listed in nest-cli.json)"
    continue
  fi
  echo "local: building $project"
  npx nest build "$project"
done

exec node scripts/local-run.mjs "$@"
