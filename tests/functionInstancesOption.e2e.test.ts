/**
 * `localCloud.js --function-instances N`: how many instances of each function the local cloud runs at
 * once (CloudBase: up to 1,000; the local default 256, emulator/functions/functionsHost.ts). The
 * cap reaches the functions host of the running cloud, the startup log and `--help` say what it
 * costs in memory, and a value that is not a positive integer stops the cloud before it starts.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { createCloudClient } from '../emulator/client/client';
import { eventually } from '../emulator/__fixtures__/fixtureCloud';
import { DEFAULT_FUNCTION_INSTANCES, INSTANCE_MEMORY_MIB } from '../emulator/functions/functionsHost';
import { runRefusedCloud, startCloudProcess } from './helpers/cloudProcess';

const mainJs = path.resolve(__dirname, '..', 'dist', 'cli', 'localCloud.js');

type Info = { functions: { functions: Array<{ name: string; instances: { running: number; coldStarts: number } }> } };

test('--function-instances 2: a burst of jrtc calls runs on two instances, and the startup log says so', async () => {
  const cloud = await startCloudProcess({ args: ['--function-instances', '2'] });
  try {
    await eventually(() => /functions: /.test(cloud.output()), 5000, 'the functions line');
    expect(cloud.output()).toMatch(new RegExp(`functions: jrtc, jrtcSweep \\(up to 2 instances each, about ${INSTANCE_MEMORY_MIB.uss} MiB per idle warm instance`));
    const client = createCloudClient({ url: cloud.url, openid: 'openid-cap' });
    // Any event starts an instance; an unknown action answers at once with the protocol's error.
    await Promise.all(Array.from({ length: 6 }, () => client.callFunction({ name: 'jrtc', data: { action: 'noSuchAction' } })));
    const jrtc = ((await cloud.info()) as unknown as Info).functions.functions.find((f) => f.name === 'jrtc');
    expect(jrtc?.instances).toMatchObject({ running: 2, coldStarts: 2 });
  } finally {
    await cloud.stop();
  }
}, 60_000);

test(`--help gives the default (${DEFAULT_FUNCTION_INSTANCES}) and what an instance costs`, () => {
  const run = spawnSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(0);
  const help = run.stdout.replace(/\s+/g, ' ');
  expect(help).toContain('--function-instances <n>');
  expect(help).toContain(`about ${INSTANCE_MEMORY_MIB.rss} MiB RSS, ${INSTANCE_MEMORY_MIB.uss} MiB of it its own`);
  expect(help).toContain(`(default: ${DEFAULT_FUNCTION_INSTANCES})`);
});

test.each([['0'], ['-1'], ['2.5'], ['many'], ['']])('--function-instances %p is refused before the cloud starts', (value) => {
  const run = runRefusedCloud(['--function-instances', value]);
  expect({ status: run.status, listening: run.listening }).toEqual({ status: 1, listening: false });
  expect(run.stderr).toMatch(/--function-instances <n>.*a positive integer/);
});
