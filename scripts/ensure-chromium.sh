#!/usr/bin/env bash
# Makes sure a Chromium for the browser specs (test/e2e/web-client) is installed:
# CHROMIUM_PATH or one on the usual paths, else Debian's package when we may
# install it (root with apt-get). Prints nothing when one is there.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: installing Debian's chromium for the browser specs" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  exit 0
fi
echo "ensure-chromium: no Chromium found; install one (Debian: apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
