/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which never downloads a
 * browser): headless, as root without the sandbox, and with Chromium's own background traffic off
 * so nothing leaves 127.0.0.1.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What to run when Chromium is missing: the tests fail with it instead of being skipped. */
export const CHROMIUM_HINT = 'the browser tests need Debian chromium: apt-get install -y chromium';

/** Throws (naming `apt-get install chromium`) unless /usr/bin/chromium runs. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found; ${CHROMIUM_HINT}`);
  const r = spawnSync(CHROMIUM_PATH, ['--version'], { stdio: 'ignore', timeout: 20_000 });
  if (r.error || r.status !== 0) throw new Error(`${CHROMIUM_PATH} --version failed (${r.error?.message ?? `exit ${r.status}`}); ${CHROMIUM_HINT}`);
}

/** Flags that keep Chromium off the network and working as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium (playwright-core makes a fresh, empty profile for it). */
export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}
