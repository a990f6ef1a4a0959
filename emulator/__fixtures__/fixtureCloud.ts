/** The fixture repository the emulator's own tests run (tiny functions, rules for test collections). */
import path from 'path';
import { startLocalCloud } from '../jrtc/localCloud';
import type { LocalCloud, LocalCloudOptions } from '../jrtc/localCloud';
import { fixtureDatabase } from './cloud/database';

/** Root of the fixture repository (cloudbaserc.json, database.ts, cloudfunctions/). */
export const fixtureRoot = path.join(__dirname, 'cloud');

/** Starts a memory-only local cloud on a free port over the fixture repository (provisioned), timers off unless asked. */
export function startFixtureCloud(options: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> {
  return startLocalCloud({ port: 0, repoRoot: fixtureRoot, database: fixtureDatabase, timers: false, log: () => undefined, ...options });
}

/** Polls `check` until it returns true; rejects after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
