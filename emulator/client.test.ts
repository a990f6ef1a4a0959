import type { LocalCloud } from './cloud';
import { RECONNECT_GAVE_UP, createCloudClient } from './client';
import type { CloudClient, WatchDocChange, WatchSnapshot } from './client';
import { eventually, startFixtureCloud } from './__fixtures__/fixtureCloud';

describe('cloud client', () => {
  let cloud: LocalCloud;
  const clients: CloudClient[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    cloud = await startFixtureCloud();
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
    clients.length = 0;
    await cloud.stop();
  });

  const client = (openid: string): CloudClient => {
    const c = createCloudClient({ url: cloud.url, openid });
    clients.push(c);
    return c;
  };

  test('callFunction resolves like wx.cloud and rejects with {errCode, errMsg} on failure', async () => {
    const res = await client('o-1').callFunction({ name: 'whoami', data: { tag: 'x' } });
    expect(res).toMatchObject({ errMsg: 'cloud.callFunction:ok', result: { OPENID: 'o-1', tag: 'x' } });
    expect(typeof res.requestID).toBe('string');
    await expect(client('o-1').callFunction({ name: 'boom' })).rejects.toMatchObject({
      errCode: -504002,
      errMsg: expect.stringMatching(/^cloud\.callFunction:fail .*boom on purpose/),
    });
    const offline = createCloudClient({ url: 'http://127.0.0.1:1', openid: 'o' });
    await expect(offline.callFunction({ name: 'whoami' })).rejects.toMatchObject({ errCode: -1 });
  });

  test('database reads and writes with query builders and rules', async () => {
    const db = client('alice').database();
    const _ = db.command;
    await db.collection('notes').doc('a').set({ data: { room: 'r', n: 1 } });
    await db.collection('notes').add({ data: { room: 'r', n: 2 } });
    await db.collection('notes').add({ data: { room: 'q', n: 3 } });
    const got = await db.collection('notes').where({ room: 'r', n: _.gte(1) }).orderBy('n', 'desc').get();
    expect(got.data.map((d) => d.n)).toEqual([2, 1]);
    expect(got.errMsg).toBe('collection.get:ok');
    expect((await db.collection('notes').where({ n: _.in([1, 3]) }).count()).total).toBe(2);
    expect((await db.collection('notes').orderBy('n', 'asc').skip(1).limit(1).get()).data.map((d) => d.n)).toEqual([2]);
    await db.collection('notes').doc('a').update({ data: { n: _.inc(10) } });
    expect((await db.collection('notes').doc('a').get()).data).toMatchObject({ n: 11, _openid: 'alice' });
    expect((await db.collection('notes').doc('a').remove()).stats.removed).toBe(1);
    await expect(db.collection('notes').doc('a').get()).rejects.toMatchObject({ errMsg: expect.stringMatching(/does not exist/) });
    await expect(db.collection('secret').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
  });

  test("a per-document rule: only queries that are a subset of it pass; '{openid}' is the caller", async () => {
    const alice = client('alice').database();
    const bob = client('bob').database();
    await alice.collection('own').add({ data: { _id: 'a1', n: 1 } });
    await bob.collection('own').add({ data: { _id: 'b1', n: 1 } });
    const mine = alice.collection('own').where({ _openid: '{openid}' });
    expect((await mine.get()).data.map((d) => d._id)).toEqual(['a1']);
    expect((await mine.count()).total).toBe(1);
    expect((await alice.collection('own').where({ _openid: 'alice', n: 1 }).get()).data.map((d) => d._id)).toEqual(['a1']);
    // Refused although every document matched would be hers: the query is checked, not the data.
    await expect(alice.collection('own').where({ n: 1, _openid: 'bob' }).get()).rejects.toMatchObject({ errCode: -502003 });
    await expect(alice.collection('own').where({}).count()).rejects.toMatchObject({ errCode: -502003 });
    await expect(alice.collection('own').doc('a1').get()).rejects.toMatchObject({ errCode: -502003 });
    const errors: unknown[] = [];
    const snaps: WatchSnapshot[] = [];
    const refused = alice.collection('own').where({ n: 1 }).watch({ onChange: () => undefined, onError: (e) => errors.push(e) });
    const watched = alice.collection('own').where({ _openid: '{openid}' }).watch({ onChange: (s) => snaps.push(s), onError: (e) => errors.push(e) });
    closers.push(() => refused.close(), () => watched.close());
    await eventually(() => errors.length === 1 && snaps.length === 1);
    expect(errors[0]).toMatchObject({ errCode: -502003 });
    expect(snaps[0].docs.map((d) => d._id)).toEqual(['a1']);
  });

  test('watch delivers init then changes, keeping docs', async () => {
    const db = client('w').database();
    await cloud.store.put('notes', 'x', { room: 'r', v: 1 });
    const snaps: WatchSnapshot[] = [];
    const listener = db.collection('notes').where({ room: 'r' }).watch({ onChange: (s) => snaps.push(s), onError: (e) => { throw e; } });
    closers.push(() => listener.close());
    await eventually(() => snaps.length === 1);
    expect(snaps[0]).toMatchObject({ type: 'init', docs: [{ _id: 'x', v: 1 }] });
    await cloud.store.patch('notes', 'x', { $set: { v: 2 } });
    await cloud.store.put('notes', 'y', { room: 'r', v: 1 });
    await eventually(() => snaps.length === 3);
    expect(snaps[1].docChanges).toMatchObject([{ queueType: 'update', dataType: 'update', docId: 'x', updatedFields: { v: 2 } }]);
    expect(snaps[2].docs.map((d) => d._id)).toEqual(['x', 'y']);
    expect(snaps[2].type).toBeUndefined();
    const errors: unknown[] = [];
    const denied = db.collection('secret').watch({ onChange: () => undefined, onError: (e) => errors.push(e) });
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ errCode: -502003 });
    await denied.close();
  });

  test('after a dropped socket, the watcher resyncs: no duplicate, nothing missed, docs equal the store', async () => {
    const c = client('watcher');
    for (let i = 0; i < 6; i++) await cloud.store.put('notes', `d${i}`, { room: 'r', v: 0 });
    const snaps: WatchSnapshot[] = [];
    const errors: unknown[] = [];
    const listener = c.database().collection('notes').where({ room: 'r' }).watch({
      onChange: (s) => snaps.push(s),
      onError: (e) => errors.push(e),
    });
    closers.push(() => listener.close());
    await eventually(() => snaps.length === 1);

    // Replays the delivered changes onto the init docs, as a consumer of docChanges would.
    const replay = (): Map<string, Record<string, unknown>> => {
      const held = new Map<string, Record<string, unknown>>();
      const apply = (ch: WatchDocChange): void => {
        if (ch.queueType === 'enqueue') {
          expect(held.has(ch.docId)).toBe(false); // no duplicate enqueue
          held.set(ch.docId, ch.doc);
        } else if (ch.queueType === 'dequeue') {
          expect(held.has(ch.docId)).toBe(true); // no dequeue of something never seen
          held.delete(ch.docId);
        } else if (ch.queueType === 'update') {
          expect(held.has(ch.docId)).toBe(true);
          held.set(ch.docId, ch.doc);
        } else held.set(ch.docId, ch.doc);
      };
      for (const s of snaps) s.docChanges.forEach(apply);
      return held;
    };
    const storeState = async (): Promise<Record<string, unknown>> =>
      Object.fromEntries((await cloud.store.find('notes', { room: 'r' })).map((d) => [d._id, d]));

    for (let round = 0; round < 3; round++) {
      c.dropConnections();
      // Changes while the socket is down (reconnection waits at least 100 ms).
      await cloud.store.put('notes', `new-${round}`, { room: 'r', v: round });
      await cloud.store.patch('notes', `d${round}`, { $set: { v: 100 + round } });
      await cloud.store.delete('notes', `d${round + 3}`);
      await cloud.store.patch('notes', 'd5', { $set: { room: 'elsewhere' } }).catch(() => false);
      const expected = await storeState();
      await eventually(async () => {
        const last = snaps[snaps.length - 1];
        return JSON.stringify(Object.fromEntries(last.docs.map((d) => [d._id, d]))) === JSON.stringify(expected);
      }, 10_000, `round ${round} resync`);
      // And changes after the reconnect flow as usual.
      await cloud.store.patch('notes', `new-${round}`, { $set: { after: true } });
      await eventually(() => snaps[snaps.length - 1].docs.some((d) => d._id === `new-${round}` && d.after === true));
    }
    const replayed = Object.fromEntries(replay());
    const final = await storeState();
    expect(Object.keys(replayed).sort()).toEqual(Object.keys(final).sort());
    for (const [id, doc] of Object.entries(final)) expect(replayed[id]).toEqual(doc);
    expect(snaps.filter((s) => s.type === 'init')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  test('failWatches() fails every watch of the client once; they stay closed and a new watch starts with a fresh init', async () => {
    const c = client('failing');
    const other = client('bystander');
    await cloud.store.put('notes', 'a', { room: 'r', v: 1 });
    await cloud.store.put('notes', 'b', { room: 'r', v: 1 });
    const snaps: WatchSnapshot[] = [];
    const errors: unknown[] = [];
    const otherSnaps: WatchSnapshot[] = [];
    const handlers = { onChange: (s: WatchSnapshot) => snaps.push(s), onError: (e: unknown) => errors.push(e) };
    const query = c.database().collection('notes').where({ room: 'r' }).watch(handlers);
    const single = c.database().collection('notes').doc('a').watch(handlers);
    const bystander = other.database().collection('notes').where({ room: 'r' }).watch({ onChange: (s) => otherSnaps.push(s), onError: (e) => errors.push(e) });
    closers.push(() => query.close(), () => single.close(), () => bystander.close());
    await eventually(() => snaps.length === 2 && otherSnaps.length === 1);
    expect(cloud.watch.getInfo().watches).toBe(3);

    c.failWatches();
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toMatchObject({ errCode: RECONNECT_GAVE_UP.errCode, errMsg: RECONNECT_GAVE_UP.errMsg, message: RECONNECT_GAVE_UP.errMsg });
    }
    // The server lets go of the failed watches; the other client's watch lives on.
    await eventually(() => cloud.watch.getInfo().watches === 1, 5000, 'failed watches released');

    // Changes made after the failure reach the bystander but not the failed watchers (no reconnect, no resync).
    await cloud.store.delete('notes', 'b');
    await cloud.store.patch('notes', 'a', { $set: { v: 2 } });
    await eventually(() => otherSnaps.length === 3);
    expect(snaps).toHaveLength(2);
    await expect(query.close()).resolves.toBeUndefined();

    // Watching again opens a new connection and starts with an init of what the store holds now.
    const again: WatchSnapshot[] = [];
    const rewatch = c.database().collection('notes').where({ room: 'r' }).watch({ onChange: (s) => again.push(s), onError: (e) => errors.push(e) });
    closers.push(() => rewatch.close());
    await eventually(() => again.length === 1);
    expect(again[0]).toMatchObject({ type: 'init', docs: [{ _id: 'a', v: 2 }] });
    expect(again[0].docs).toHaveLength(1);

    // Also while the client is reconnecting after a drop (it then stops trying); a given error is passed through.
    c.dropConnections();
    c.failWatches({ errCode: -402001, errMsg: 'watch closed by the server' });
    expect(errors).toHaveLength(3);
    expect(errors[2]).toMatchObject({ errCode: -402001, errMsg: 'watch closed by the server' });
    await eventually(() => cloud.watch.getInfo().watches === 1, 5000, 'failed watch released');
    await cloud.store.put('notes', 'c', { room: 'r', v: 1 });
    await eventually(() => otherSnaps.length === 4);
    expect(again).toHaveLength(1);
    expect(snaps).toHaveLength(2);
  });

  test('close() resolves and stops delivery; the last close releases the socket', async () => {
    const c = client('closer');
    const snaps: WatchSnapshot[] = [];
    const a = c.database().collection('notes').doc('only').watch({ onChange: (s) => snaps.push(s), onError: () => undefined });
    await eventually(() => snaps.length === 1);
    await a.close();
    await cloud.store.put('notes', 'only', { v: 1 });
    await eventually(() => cloud.watch.getInfo().watches === 0);
    expect(snaps).toHaveLength(1);
    await eventually(async () => {
      const info = (await (await fetch(`${cloud.url}/v1/admin/info`)).json()) as { server: { watchSockets: number } };
      return info.server.watchSockets === 0;
    }, 5000, 'socket released');
  });
});
