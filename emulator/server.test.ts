import net from 'net';
import { WebSocket } from 'ws';
import type { LocalCloud } from './jrtc/localCloud';
import { startFixtureCloud } from './__fixtures__/fixtureCloud';

describe('local cloud server', () => {
  let cloud: LocalCloud;
  beforeEach(async () => {
    cloud = await startFixtureCloud();
  });
  afterEach(async () => {
    await cloud.stop();
  });

  const request = async (method: string, route: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${cloud.url}${route}`, { method, body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  /** An access token of the vendor client's /web endpoint for `openid` (auth.localUserToken). */
  const tokenOf = async (openid: string): Promise<Record<string, string>> => {
    const res = await request('POST', '/web', JSON.stringify({ action: 'auth.localUserToken', openid }));
    return { authorization: `Bearer ${String((res.json.data as { accessToken: string }).accessToken)}` };
  };
  /** A database action of the vendor client, as its request class posts it (EJSON strings inside). */
  const db = (action: string, params: Record<string, unknown>): string => JSON.stringify({ action: `database.${action}`, ...params });

  test('malformed requests get 400 JSON errors and the server keeps serving', async () => {
    const user = await tokenOf('someone');
    const bad: Array<[string, string | undefined, Record<string, string>?]> = [
      ['/web', '{not json'],
      ['/web', '[]'],
      ['/web', db('dropCollection', { collectionName: 'notes' })],
      ['/web', db('getDocument', { collectionName: '' }), user],
      ['/web', db('getDocument', { collectionName: 'notes', limit: -1 })],
      ['/web', db('getDocument', { collectionName: 'notes', query: JSON.stringify({ n: { $where: 'x' } }) }), user],
      ['/web', db('getDocument', { collectionName: 'notes', query: '{not ejson' }), user],
      ['/web', db('insertDocument', { collectionName: 'notes' }), user],
      ['/v1/functions/whoami', JSON.stringify({ data: 'not an object' })],
      ['/v1/admin/clock', JSON.stringify({ advanceMs: -5 })],
      ['/v1/admin/clock', JSON.stringify({ advanceMs: 'soon' })],
    ];
    for (const [route, body, headers] of bad) {
      const res = await request('POST', route, body, headers);
      expect({ route, body, status: res.status }).toEqual({ route, body, status: 400 });
      expect(typeof res.json.errMsg).toBe('string');
      expect(typeof res.json.errCode).toBe('number');
    }
    expect((await request('POST', '/v1/functions/whoami', '{}', { 'x-wx-openid': 'x'.repeat(200) })).status).toBe(400);
    expect((await request('GET', '/web')).status).toBe(405);
    expect((await request('POST', '/v1/db', '{}')).status).toBe(404); // our own protocol is gone: the vendor's only
    expect((await request('POST', '/v1/nowhere', '{}')).status).toBe(404);
    expect((await request('POST', '/v1/functions/none', '{}')).status).toBe(404);
    expect((await request('POST', '/v1/admin/timers/none', '{}')).status).toBe(404);
    const ok = await request('POST', '/v1/functions/whoami', JSON.stringify({ data: {} }), { 'x-wx-openid': 'still-here' });
    expect(ok).toMatchObject({ status: 200, json: { result: { OPENID: 'still-here' } } });
  });

  test('client database calls (POST /web) enforce rules with CloudBase codes', async () => {
    const [anonymous, alice, bob] = await Promise.all([tokenOf(''), tokenOf('alice'), tokenOf('bob')]);
    const denied = await request('POST', '/web', db('getDocument', { collectionName: 'secret' }), anonymous);
    expect(denied).toEqual({ status: 403, json: { errCode: -502003, errMsg: 'database permission denied' } });
    const tick = db('insertDocument', { collectionName: 'ticks', data: [JSON.stringify({ x: { $numberInt: '1' } })] });
    expect((await request('POST', '/web', tick, anonymous)).status).toBe(403);
    expect(await cloud.store.count('ticks', {})).toBe(0);
    const added = await request('POST', '/web', db('insertDocument', { collectionName: 'own', data: [JSON.stringify({ x: 1 })] }), alice);
    expect(added.status).toBe(200);
    const id = String((added.json.data as { insertedIds: string[] }).insertedIds[0]);
    expect(await cloud.store.get('own', id)).toMatchObject({ x: 1, _openid: 'alice' });
    const update = db('modifyDocument', { collectionName: 'own', queryType: 'DOC', query: JSON.stringify({ _id: id }), merge: true, data: JSON.stringify({ $set: { x: 2 } }) });
    expect((await request('POST', '/web', update, bob)).status).toBe(403);
    expect(await cloud.store.get('own', id)).toMatchObject({ x: 1 });
    // A write is judged on its query, whatever the data (docs.cloudbase.net/database/security-rules: the
    // query must be a subset of the rule): doc(id) pins no _openid, so even the creator is refused ...
    expect((await request('POST', '/web', update, alice)).json).toEqual({ errCode: -502003, errMsg: 'database permission denied' });
    // ... and a query that pins it is allowed for anyone, matching or not: no answer depends on others' data.
    const mine = (openidOf: string) =>
      db('modifyDocument', { collectionName: 'own', queryType: 'WHERE', query: JSON.stringify({ _id: id, _openid: openidOf }), multi: true, merge: true, data: JSON.stringify({ $set: { x: 2 } }) });
    expect((await request('POST', '/web', mine('{openid}'), bob)).json).toMatchObject({ data: { updated: 0 } });
    expect((await request('POST', '/web', mine('alice'), bob)).status).toBe(403);
    expect((await request('POST', '/web', mine('{openid}'), alice)).json).toMatchObject({ data: { updated: 1 } });
    const takeover = db('modifyDocument', { collectionName: 'own', queryType: 'WHERE', query: JSON.stringify({ _id: id, _openid: '{openid}' }), multi: true, merge: true, data: JSON.stringify({ $set: { _openid: 'bob' } }) });
    expect((await request('POST', '/web', takeover, alice)).status).toBe(400);
    expect(await cloud.store.get('own', id)).toMatchObject({ x: 2, _openid: 'alice' });
    for (let i = 0; i < 25; i++) await cloud.store.put('notes', `n${i}`, { i });
    const page = await request('POST', '/web', db('getDocument', { collectionName: 'notes', limit: 100 }), anonymous);
    expect((page.json.data as { list: unknown[] }).list.length).toBe(20);
  });

  test('a callFunction body nested 100,000 deep reaches the function as the platform would pass it; a forged userInfo is overwritten', async () => {
    const depth = 100_000;
    const body = `{"data":{"tag":"deep","userInfo":{"openId":"forged"},"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const deep = await request('POST', '/v1/functions/whoami', body, { 'x-wx-openid': 'deep-caller' });
    expect(deep).toMatchObject({ status: 200, json: { result: { OPENID: 'deep-caller', tag: 'deep', userInfo: { openId: 'deep-caller' } } } });
    const empty = await request('POST', '/v1/functions/whoami', '{ "data" : { } }', { 'x-wx-openid': 'after' });
    expect(empty).toMatchObject({ status: 200, json: { result: { OPENID: 'after', userInfo: { openId: 'after' } } } });
  });

  test('admin routes move the clock, fire timers and describe the cloud', async () => {
    const before = cloud.clock.now();
    const moved = await request('POST', '/v1/admin/clock', JSON.stringify({ advanceMs: 3_600_000 }));
    expect(moved.status).toBe(200);
    expect(cloud.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
    const fired = await request('POST', '/v1/admin/timers/tick', '');
    expect(fired).toMatchObject({ status: 200, json: { result: { source: 'wx_trigger' } } });
    const info = await request('GET', '/v1/admin/info');
    expect(info.json).toMatchObject({ clock: { offsetMs: 3_600_000 }, timers: { enabled: false } });
  });

  test('our own watch socket is gone: an upgrade to /v1/watch is refused (the realtime socket is the vendor\'s)', async () => {
    const ws = new WebSocket(`${cloud.url.replace('http', 'ws')}/v1/watch`);
    const refused = await new Promise<string>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
      ws.once('error', (err) => resolve(err.message));
      ws.once('open', () => resolve('open'));
    });
    expect(refused).toMatch(/404/);
    ws.terminate();
  });

  test('a busy port is a rejected start, not an exit', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startFixtureCloud({ port })).rejects.toThrow(new RegExp(`port ${port}.*in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
