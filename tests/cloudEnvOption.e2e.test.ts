/**
 * `localCloud.js --env KEY=VALUE`: the local cloud's way to set a function's environment variable over
 * cloudbaserc.json's envVariables, as the console's function configuration does on CloudBase. The
 * value reaches the unchanged function (its join reply carries the lease it read); a malformed
 * option stops the cloud before it starts, naming the expected form.
 */
import { createCloudClient } from '../emulator/client/client';
import { runRefusedCloud, startCloudProcess } from './helpers/cloudProcess';
import { callOk, joinParams } from './helpers/room';

test('--env sets a function variable over cloudbaserc.json', async () => {
  const cloud = await startCloudProcess({ args: ['--env', 'JRTC_LEASE_MS=60000'] });
  try {
    const client = createCloudClient({ url: cloud.url, openid: 'openid-env-u1' });
    const join = await callOk(client, 'joinRoom', joinParams('env-room', 'u1', 2));
    expect(join.leaseMs).toBe(60_000);
  } finally {
    await cloud.stop();
  }
}, 30_000);

test.each([['JRTC_LEASE_MS'], ['=15000'], ['1X=2']])('--env %s is refused before the cloud starts', (value) => {
  const run = runRefusedCloud(['--env', value]);
  expect({ status: run.status, listening: run.listening }).toEqual({ status: 1, listening: false });
  expect(run.stderr).toMatch(/--env <KEY=VALUE>.*KEY=VALUE, KEY a variable name/);
});
