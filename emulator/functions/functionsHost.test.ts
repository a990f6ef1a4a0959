import fs from 'fs';
import os from 'os';
import path from 'path';
import { defaultRepoRoot } from '../jrtc/localCloud';
import type { LocalCloud } from '../jrtc/localCloud';
import { loadCloudConfig } from '../cloudConfig';
import { DEFAULT_FUNCTION_INSTANCES, FunctionsHost, LOCAL_APPID } from './functionsHost';
import type { InvokeResult } from './functionsHost';
import { fixtureRoot, startFixtureCloud } from '../__fixtures__/fixtureCloud';

type Row = Record<string, unknown>;
function resultOf(res: InvokeResult): Row {
  if (!res.ok) throw new Error(res.errMsg);
  return res.result as Row;
}

describe('functions host: instance processes with the real wx-server-sdk', () => {
  let cloud: LocalCloud;
  const logs: string[] = [];

  beforeAll(async () => {
    cloud = await startFixtureCloud({ functionEnv: { FIXTURE_OVERRIDE: 'from-host' }, functionInstances: 3, log: (l) => logs.push(l) });
  });
  afterAll(() => cloud.stop());

  test('each concurrent call sees its own caller context (getWXContext is wx-server-sdk\'s own)', async () => {
    const calls = Array.from({ length: 24 }, (_, i) =>
      cloud.functions.invoke('whoami', { delayMs: (i * 7) % 13, tag: i }, { openid: `user-${i}`, appid: `app-${i % 3}` }),
    );
    const results = await Promise.all(calls);
    results.forEach((res, i) => {
      expect(res).toMatchObject({
        ok: true,
        result: { OPENID: `user-${i}`, APPID: `app-${i % 3}`, SOURCE: 'wx_client', ENV: 'local', tag: i, userInfo: { appId: `app-${i % 3}`, openId: `user-${i}` } },
      });
    });
  });

  test('a call without appid gets the local appid; a trigger call has no user and no userInfo', async () => {
    expect(await cloud.functions.invoke('whoami', {}, { openid: 'o' })).toMatchObject({ ok: true, result: { APPID: LOCAL_APPID } });
    const trigger = resultOf(await cloud.functions.invoke('whoami', {}, { openid: '', source: 'wx_trigger' }));
    expect(trigger).toMatchObject({ SOURCE: 'wx_trigger', APPID: LOCAL_APPID });
    expect(trigger.userInfo).toBeUndefined();
    expect(trigger.OPENID).toBeUndefined();
  });

  test('a function\'s env vars live in its own instances only; its load-time database writes to this cloud', async () => {
    const echo = await cloud.functions.invoke('envEcho', {}, { openid: 'o' });
    expect(echo).toMatchObject({
      ok: true,
      result: { atLoad: { value: 'echo', only: 'yes', override: 'from-host' }, atCall: { value: 'echo', only: 'yes' } },
    });
    expect(await cloud.functions.invoke('envOther', {}, { openid: 'o' })).toMatchObject({ ok: true, result: { atLoad: 'other' } });
    expect(process.env.FIXTURE_VALUE).toBeUndefined();
    expect(process.env.FIXTURE_OVERRIDE).toBeUndefined();
    expect(await cloud.store.get('notes', 'env-echo')).toMatchObject({ loaded: 'echo' });
  });

  test('a throwing function is an error result like callFunction:fail; an unknown one too', async () => {
    const res = await cloud.functions.invoke('boom', {}, { openid: 'o' });
    expect(res).toMatchObject({ ok: false, errCode: -504002 });
    expect(!res.ok && res.errMsg).toMatch(/^cloud\.callFunction:fail Error: errCode: -504002 functions execute fail \| errMsg: Error: boom on purpose/);
    expect(logs.some((l) => l.includes('boom on purpose'))).toBe(true);
    expect(await cloud.functions.invoke('nope', {}, { openid: 'o' })).toMatchObject({ ok: false, errCode: -501000 });
  });

  test('divergence: the real wx-server-sdk refuses database calls before cloud.init() (the shim did not)', async () => {
    const res = await cloud.functions.invoke('noInit', {}, { openid: 'o' });
    expect(res).toMatchObject({ ok: false, errCode: -504002 });
    expect(!res.ok && res.errMsg).toMatch(/please call init first/);
    expect(await cloud.store.get('notes', 'no-init')).toBeNull();
  });

  test('warm reuse: sequential events share an instance and its module state', async () => {
    const first = resultOf(await cloud.functions.invoke('counter', {}, { openid: 'o' }));
    const second = resultOf(await cloud.functions.invoke('counter', {}, { openid: 'o' }));
    expect(second.pid).toBe(first.pid);
    expect(second.calls).toBe(Number(first.calls) + 1);
  });

  test('concurrency: more instances, never more than the cap, one event at a time each', async () => {
    const results = (await Promise.all(Array.from({ length: 9 }, () => cloud.functions.invoke('counter', { holdMs: 150 }, { openid: 'o' })))).map(resultOf);
    const pids = new Set(results.map((r) => r.pid));
    expect(pids.size).toBeGreaterThan(1);
    expect(pids.size).toBeLessThanOrEqual(3);
    const info = cloud.functions.getInfo() as { functions: Array<{ name: string; instances: { running: number; queued: number } }> };
    const counter = info.functions.find((f) => f.name === 'counter');
    expect(counter?.instances.running).toBeLessThanOrEqual(3);
    expect(counter?.instances.queued).toBe(0);
  });

  test('an event past the function\'s timeout fails like the platform\'s and its instance is replaced', async () => {
    const slow = await cloud.functions.invoke('slow', { sleepMs: 5000 }, { openid: 'o' });
    expect(slow).toMatchObject({ ok: false, errCode: -504003 });
    expect(!slow.ok && slow.errMsg).toMatch(/Invoking task timed out after 1 seconds/);
    expect(await cloud.functions.invoke('slow', {}, { openid: 'o' })).toMatchObject({ ok: true });
  });

  test('an instance that exits or throws outside the handler fails that event; the next one runs on a fresh instance', async () => {
    const before = resultOf(await cloud.functions.invoke('crash', {}, { openid: 'o' }));
    const exit = await cloud.functions.invoke('crash', { how: 'exit' }, { openid: 'o' });
    expect(exit).toMatchObject({ ok: false, errCode: -504002 });
    expect(!exit.ok && exit.errMsg).toMatch(/instance exited \(code 3\)/);
    const thrown = await cloud.functions.invoke('crash', { how: 'throwLater' }, { openid: 'o' });
    expect(thrown).toMatchObject({ ok: false, errCode: -504002 });
    expect(!thrown.ok && thrown.errMsg).toMatch(/thrown outside the handler/);
    const after = resultOf(await cloud.functions.invoke('crash', {}, { openid: 'o' }));
    expect(after.pid).not.toBe(before.pid);
  });

  test('the local cloud\'s clock reaches the instances with each event', async () => {
    const before = resultOf(await cloud.functions.invoke('counter', {}, { openid: 'o' }));
    cloud.clock.advance(3_600_000);
    const after = resultOf(await cloud.functions.invoke('counter', {}, { openid: 'o' }));
    expect(Number(after.now) - Number(before.now)).toBeGreaterThanOrEqual(3_600_000);
  });

  test('nothing leaves the machine: the test preload refuses a lookup from inside a function', async () => {
    const reach = resultOf(await cloud.functions.invoke('reach', {}, { openid: 'o' }));
    expect(reach.error).toMatch(/blocked lookup of example\.com/);
    expect(reach.attempts).toEqual(['dns example.com']);
  });

  test('two clouds keep separate stores and instances', async () => {
    const other = await startFixtureCloud();
    try {
      await other.functions.invoke('envEcho', {}, { openid: 'o' });
      const res = await other.functions.invoke('envEcho', {}, { openid: 'o' });
      expect(resultOf(res).atLoad).not.toHaveProperty('override');
      expect(await other.store.get('notes', 'env-echo')).not.toBeNull();
    } finally {
      await other.stop();
    }
  });

  test('a missing bundle or runtime fails start with a clear error', async () => {
    const config = loadCloudConfig(fixtureRoot);
    const runtimeFile = path.join(defaultRepoRoot(), 'dist', 'emulator', 'functions', 'instanceRuntime.js');
    const broken = new FunctionsHost({
      config: { ...config, functions: [{ ...config.functions[0], name: 'ghost', dir: '/nonexistent/ghost' }] },
      runtimeFile,
      platformEnv: () => ({}),
    });
    await expect(broken.start()).rejects.toThrow(/ghost.*not found/);
    const noRuntime = new FunctionsHost({ config, runtimeFile: '/nonexistent/runtime.js', platformEnv: () => ({}) });
    await expect(noRuntime.start()).rejects.toThrow(/runtime\.js not found/);
  });
});

describe('functions host: the instances cap (functionInstances)', () => {
  type PoolInfo = { functions: Array<{ name: string; instances: { running: number; starting: number; queued: number; coldStarts: number } }> };
  const counterPool = (cloud: LocalCloud) => (cloud.functions.getInfo() as PoolInfo).functions.find((f) => f.name === 'counter')?.instances;

  test(`by default ${DEFAULT_FUNCTION_INSTANCES} instances: a burst of long calls gets an instance each, started a few at a time`, async () => {
    // CloudBase runs up to 1,000 instances of a function at once (functionsHost.ts); the old
    // default, twice the cores, ran this burst on 4 instances on a 2-core machine.
    const cloud = await startFixtureCloud();
    try {
      expect(cloud.functions.maxInstances).toBe(DEFAULT_FUNCTION_INSTANCES);
      const burst = Array.from({ length: 12 }, () => cloud.functions.invoke('counter', { holdMs: 2500 }, { openid: 'o' }));
      // Started at the machine's pace (instancePool.ts): the rest waits for a start slot.
      const slots = Math.min(12, Math.max(1, os.availableParallelism()));
      expect(counterPool(cloud)).toMatchObject({ running: slots, starting: slots, queued: 12 - slots });
      const results = (await Promise.all(burst)).map(resultOf);
      expect(new Set(results.map((r) => r.pid)).size).toBe(12);
      expect(counterPool(cloud)).toMatchObject({ running: 12, starting: 0, coldStarts: 12, queued: 0 });
    } finally {
      await cloud.stop();
    }
  });

  test('functionStarts 1: instances start one at a time, and the pool still grows to the burst', async () => {
    const cloud = await startFixtureCloud({ functionStarts: 1 });
    try {
      const burst = Array.from({ length: 4 }, () => cloud.functions.invoke('counter', { holdMs: 1500 }, { openid: 'o' }));
      expect(counterPool(cloud)).toMatchObject({ running: 1, starting: 1, queued: 3 });
      const seen = new Set<number>();
      const timer = setInterval(() => seen.add(counterPool(cloud)?.starting ?? -1), 5);
      const results = (await Promise.all(burst)).map(resultOf);
      clearInterval(timer);
      expect([...seen].every((n) => n <= 1)).toBe(true);
      expect(new Set(results.map((r) => r.pid)).size).toBe(4);
    } finally {
      await cloud.stop();
    }
  });

  test('a cap of 2 is honoured: the rest of a burst queues and runs on the same two instances', async () => {
    const cloud = await startFixtureCloud({ functionInstances: 2 });
    try {
      const burst = Array.from({ length: 6 }, () => cloud.functions.invoke('counter', { holdMs: 100 }, { openid: 'o' }));
      expect(counterPool(cloud)?.running).toBeLessThanOrEqual(2);
      expect(counterPool(cloud)?.queued).toBeGreaterThanOrEqual(4);
      const results = (await Promise.all(burst)).map(resultOf);
      expect(new Set(results.map((r) => r.pid)).size).toBe(2);
      expect(counterPool(cloud)).toMatchObject({ running: 2, coldStarts: 2, queued: 0 });
    } finally {
      await cloud.stop();
    }
  });

  test.each([[0], [-3], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('functionInstances / functionStarts %p are refused before anything starts', async (bad) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-instances-'));
    try {
      await expect(startFixtureCloud({ functionInstances: bad, dataDir })).rejects.toThrow(/functionInstances must be a positive integer/);
      await expect(startFixtureCloud({ functionStarts: bad, dataDir })).rejects.toThrow(/functionStarts must be a positive integer/);
      // Nothing was left open: the same data directory opens again (a leaked store would refuse it).
      const cloud = await startFixtureCloud({ dataDir });
      await cloud.stop();
      const config = loadCloudConfig(fixtureRoot);
      expect(() => new FunctionsHost({ config, runtimeFile: '/unused', platformEnv: () => ({}), maxInstances: bad })).toThrow(RangeError);
      expect(() => new FunctionsHost({ config, runtimeFile: '/unused', platformEnv: () => ({}), maxStarting: bad })).toThrow(RangeError);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
