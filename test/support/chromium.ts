import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's package (scripts/ensure-chromium.sh) and other distributions put it. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** CHROMIUM_PATH, else the first Chromium found; a clear error when there is none (the test command installs it). */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate));
  if (!path || !existsSync(path)) {
    throw new Error('No Chromium found: run `bash scripts/ensure-chromium.sh` (Debian package chromium) or set CHROMIUM_PATH');
  }
  return path;
}

/**
 * Headless Chromium driven by playwright-core (which downloads no browser).
 * The flags keep it off the network this machine does not have (no background
 * fetches, updates, sync or QUIC) and allow running as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
