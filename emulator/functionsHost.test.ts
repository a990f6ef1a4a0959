import { loadCloudConfig } from './cloudConfig';
import { FunctionsHost, LOCAL_APPID } from './functionsHost';
import { DocumentStore } from './store';
import { fixtureRoot } from './__fixtures__/fixtureCloud';

describe('functions host', () => {
  let store: DocumentStore;
  let host: FunctionsHost;
  const logs: string[] = [];

  beforeEach(async () => {
    store = await DocumentStore.open({});
    host = new FunctionsHost({
      store,
      config: loadCloudConfig(fixtureRoot),
      envOverrides: { FIXTURE_OVERRIDE: 'from-host' },
      log: (line) => logs.push(line),
    });
    await host.start();
  });

  afterEach(async () => {
    await host.stop();
    await store.close();
  });

  test('each concurrent call sees its own caller context, even after awaits', async () => {
    const calls = Array.from({ length: 40 }, (_, i) =>
      host.invoke('whoami', { delayMs: (i * 7) % 13, tag: i }, { openid: `user-${i}`, appid: `app-${i % 3}` }),
    );
    const results = await Promise.all(calls);
    results.forEach((res, i) => {
      expect(res).toMatchObject({
        ok: true,
        result: {
          OPENID: `user-${i}`,
          APPID: `app-${i % 3}`,
          SOURCE: 'wx_client',
          ENV: 'local',
          tag: i,
          userInfo: { appId: `app-${i % 3}`, openId: `user-${i}` },
        },
      });
    });
  });

  test('a call without appid gets the local appid; a trigger call gets no userInfo', async () => {
    const client = await host.invoke('whoami', {}, { openid: 'o' });
    expect(client).toMatchObject({ ok: true, result: { APPID: LOCAL_APPID } });
    const trigger = await host.invoke('whoami', {}, { openid: '', source: 'wx_trigger' });
    expect(trigger.ok && (trigger.result as Record<string, unknown>).userInfo).toBeUndefined();
    expect(trigger).toMatchObject({ ok: true, result: { SOURCE: 'wx_trigger', OPENID: '' } });
  });

  test('env vars exist only while a function loads, each function with its own values', async () => {
    expect(process.env.FIXTURE_VALUE).toBeUndefined();
    expect(process.env.FIXTURE_OVERRIDE).toBeUndefined();
    const echo = await host.invoke('envEcho', {}, { openid: 'o' });
    expect(echo).toMatchObject({
      ok: true,
      result: { atLoad: { value: 'echo', only: 'yes', override: 'from-host' }, atCall: { value: null, only: null } },
    });
    expect(await host.invoke('envOther', {}, { openid: 'o' })).toMatchObject({ ok: true, result: { atLoad: 'other' } });
    // The database the bundle created at load time writes to this host's store.
    expect(await store.get('notes', 'env-echo')).toMatchObject({ loaded: 'echo' });
  });

  test('a throwing function is an error result like callFunction:fail; an unknown one too', async () => {
    const res = await host.invoke('boom', {}, { openid: 'o' });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.errCode).toBe(-504002);
      expect(res.errMsg).toMatch(/^cloud\.callFunction:fail .*boom on purpose/);
    }
    expect(logs.some((l) => l.includes('boom on purpose'))).toBe(true);
    const missing = await host.invoke('nope', {}, { openid: 'o' });
    expect(missing).toMatchObject({ ok: false, errCode: -501000 });
  });

  test('two hosts in one process keep separate stores and bundle instances', async () => {
    const otherStore = await DocumentStore.open({});
    const other = new FunctionsHost({ store: otherStore, config: loadCloudConfig(fixtureRoot), log: () => undefined });
    await other.start();
    try {
      await other.invoke('envEcho', {}, { openid: 'o' });
      expect(await otherStore.get('notes', 'env-echo')).not.toBeNull();
      expect(await store.get('notes', 'env-echo')).toBeNull();
      const res = await other.invoke('envEcho', {}, { openid: 'o' });
      // This host has no override: the other host's env did not leak into this instance.
      expect(res).toMatchObject({ ok: true, result: { atLoad: { value: 'echo' } } });
      expect(res.ok && (res.result as { atLoad: Record<string, unknown> }).atLoad).not.toHaveProperty('override');
    } finally {
      await other.stop();
      await otherStore.close();
    }
  });

  test('a missing bundle fails start with a clear error', async () => {
    const config = loadCloudConfig(fixtureRoot);
    const broken = new FunctionsHost({
      store,
      config: { ...config, functions: [{ ...config.functions[0], name: 'ghost', dir: '/nonexistent/ghost' }] },
    });
    await expect(broken.start()).rejects.toThrow(/ghost.*not found/);
  });
});
