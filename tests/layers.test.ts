/**
 * The repository's layering (scripts/check-layers.js): no import cycle between top-level folders,
 * emulator/ free of cloudfunctions/ imports, and only emulator/jrtc/ knowing the product.
 */
import { spawnSync } from 'child_process';
import path from 'path';

test('layers: no folder cycle, the local cloud does not import the functions, only emulator/jrtc knows rooms', () => {
  const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'check-layers.js')], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^layers ok: \d+ files/);
  // The product's functions depend only on the protocol package.
  expect(run.stdout).toMatch(/\n {2}cloudfunctions -> shared\n/);
});
