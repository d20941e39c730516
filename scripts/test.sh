#!/usr/bin/env bash
# The one test command (`npm test`): installs what is missing (npm packages,
# Chromium for the browser spec), builds the apps
# the end-to-end test starts as processes, then runs every spec.
# Extra arguments go to Jest, e.g. `npm test -- libs/aws`.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { bash scripts/with-node.sh "$@"; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  run npm ci --no-audit --no-fund
fi
run npm run --silent build
# The web-client spec drives the real SDK in Debian's Chromium.
bash scripts/ensure-chromium.sh
mkdir -p .local
status=0
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules" run npx jest --json --outputFile=.local/jest-results.json "$@" || status=$?
# One plain closing line for CI's reader: 'N passed, N failed'.
run node -e '
  const r = require("./.local/jest-results.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
