import type { LocalCloud } from '../jrtc/localCloud';
import { createCloudClient } from './client';
import type { CloudClient, WatchDocChange, WatchSnapshot } from './client';
import { docsOf } from '../../miniprogram/lib/src/cloud';
import { eventually, startFixtureCloud } from '../__fixtures__/fixtureCloud';

describe('cloud client', () => {
  let cloud: LocalCloud;
  const clients: CloudClient[] = [];
  const closers: Array<() => unknown> = [];

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

  test('database() is the vendor client: reads and writes with its query builders, its result shapes, and the rules', async () => {
    const db = client('alice').database();
    const _ = db.command;
    expect(await db.collection('notes').doc('a').set({ room: 'r', n: 1 })).toMatchObject({ upsertedId: 'a' });
    expect(await db.collection('notes').add({ room: 'r', n: 2 })).toMatchObject({ id: expect.any(String) });
    await db.collection('notes').add({ room: 'q', n: 3 });
    const got = await db.collection('notes').where({ room: 'r', n: _.gte(1) }).orderBy('n', 'desc').get();
    expect(got.data.map((d: { n: number }) => d.n)).toEqual([2, 1]);
    expect((await db.collection('notes').where({ n: _.in([1, 3]) }).count()).total).toBe(2);
    expect((await db.collection('notes').orderBy('n', 'asc').skip(1).limit(1).get()).data.map((d: { n: number }) => d.n)).toEqual([2]);
    expect(await db.collection('notes').doc('a').update({ n: _.inc(10) })).toMatchObject({ updated: 1 });
    expect((await db.collection('notes').doc('a').get()).data).toMatchObject([{ n: 11, _openid: 'alice' }]);
    expect(await db.collection('notes').doc('a').remove()).toMatchObject({ deleted: 1 });
    await expect(db.collection('secret').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
  });

  test('a collection nobody created answers -502005 to every client call, before the rules are read, and nothing is written', async () => {
    const db = client('alice').database();
    const c = db.collection('never_created');
    const notExist = { errCode: -502005, errMsg: expect.stringMatching(/Db or Table not exist/) };
    await expect(c.where({}).get()).rejects.toMatchObject(notExist);
    await expect(c.where({}).count()).rejects.toMatchObject(notExist);
    await expect(c.doc('x').get()).rejects.toMatchObject(notExist);
    await expect(c.add({ n: 1 })).rejects.toMatchObject(notExist);
    await expect(c.doc('x').set({ n: 1 })).rejects.toMatchObject(notExist);
    await expect(c.doc('x').update({ n: 1 })).rejects.toMatchObject(notExist);
    await expect(c.where({ n: 1 }).remove()).rejects.toMatchObject(notExist);
    expect(cloud.catalog.has('never_created')).toBe(false);
    expect(await cloud.store.count('never_created', {})).toBe(0);
  });

  test('divergence: client queries take _.and / _.or and chained ranges, as the server route does (one translator)', async () => {
    const db = client('alice').database();
    const _ = db.command;
    for (const n of [1, 5, 50, 500, 5000]) await db.collection('notes').add({ room: n < 100 ? 'small' : 'big', n });
    const ns = async (q: Record<string, unknown> | unknown): Promise<number[]> =>
      ((await db.collection('notes').where(q as Record<string, unknown>).orderBy('n', 'asc').get()).data as Array<{ n: number }>).map((d) => d.n);
    expect(await ns({ n: _.gt(4).and(_.lt(1000)) })).toEqual([5, 50, 500]);
    expect(await ns(_.or([{ n: _.lt(2) }, { n: _.gte(5000) }]))).toEqual([1, 5000]);
    expect(await ns(_.and([{ room: 'small' }, { n: _.gt(1) }]))).toEqual([5, 50]);
    expect(await ns({ n: _.lt(10).or(_.gt(1000)) })).toEqual([1, 5, 5000]);
    expect((await db.collection('notes').where({ n: _.gt(4).and(_.lt(1000)) }).count()).total).toBe(3);
  });

  test('client queries: where({f: null}) and eq(null) match documents without f, neq(null) the rest; so does a watch', async () => {
    // MongoDB's meaning of null, which CloudBase follows (emulator/store/mongoQuery.ts).
    const db = client('alice').database();
    const _ = db.command;
    await db.collection('notes').add({ _id: 'null', f: null });
    await db.collection('notes').add({ _id: 'one', f: 1 });
    await db.collection('notes').add({ _id: 'missing', g: 1 });
    const ids = async (condition: Record<string, unknown>): Promise<string[]> =>
      (await db.collection('notes').where(condition).get()).data.map((d: { _id: string }) => d._id).sort();
    expect(await ids({ f: null })).toEqual(['missing', 'null']);
    expect(await ids({ f: _.eq(null) })).toEqual(['missing', 'null']);
    expect(await ids({ f: _.neq(null) })).toEqual(['one']);
    expect((await db.collection('notes').where({ f: null }).count()).total).toBe(2);
    expect(await db.collection('notes').where({ f: _.eq(null) }).update({ seen: true })).toMatchObject({ updated: 2 });
    expect(await ids({ seen: true })).toEqual(['missing', 'null']);

    const snaps: WatchSnapshot[] = [];
    const listener = db.collection('notes').where({ f: null }).watch({ onChange: (s) => snaps.push(s), onError: (e) => { throw e; } });
    closers.push(() => listener.close());
    await eventually(() => snaps.length === 1);
    expect(docsOf(snaps[0]).map((d) => d._id).sort()).toEqual(['missing', 'null']);
    await db.collection('notes').doc('missing').update({ f: 2 }); // now has f: leaves the result
    await eventually(() => snaps.length === 2);
    expect(snaps[1].docChanges).toMatchObject([{ queueType: 'dequeue', docId: 'missing' }]);
    expect(docsOf(snaps[1]).map((d) => d._id)).toEqual(['null']);
  });

  test("divergence: the vendor's doc(id).get() answers a missing document with data: [] (wx.cloud rejects)", async () => {
    const db = client('alice').database();
    expect((await db.collection('notes').doc('nothing').get()).data).toEqual([]);
  });

  test("a per-document rule: only queries that are a subset of it pass; '{openid}' is the caller", async () => {
    const alice = client('alice').database();
    const bob = client('bob').database();
    await alice.collection('own').add({ _id: 'a1', n: 1 });
    await bob.collection('own').add({ _id: 'b1', n: 1 });
    const mine = alice.collection('own').where({ _openid: '{openid}' });
    expect((await mine.get()).data.map((d: { _id: string }) => d._id)).toEqual(['a1']);
    expect((await mine.count()).total).toBe(1);
    expect((await alice.collection('own').where({ _openid: 'alice', n: 1 }).get()).data.map((d: { _id: string }) => d._id)).toEqual(['a1']);
    // Refused although every document matched would be hers: the query is checked, not the data.
    await expect(alice.collection('own').where({ n: 1, _openid: 'bob' }).get()).rejects.toMatchObject({ errCode: -502003 });
    await expect(alice.collection('own').where({}).count()).rejects.toMatchObject({ errCode: -502003 });
    await expect(alice.collection('own').doc('a1').get()).rejects.toMatchObject({ errCode: -502003 });
    const errors: unknown[] = [];
    const snaps: WatchSnapshot[] = [];
    const refused = alice.collection('own').where({ n: 1 }).watch({ onChange: () => undefined, onError: (e) => errors.push(e) });
    const watched = alice.collection('own').where({ _openid: '{openid}' }).watch({ onChange: (s) => snaps.push(s), onError: (e) => errors.push(e) });
    closers.push(() => refused.close(), () => watched.close());
    await eventually(() => errors.length === 2 && snaps.length === 1);
    // The vendor client hands onError the server's ERROR message itself first.
    expect(errors[0]).toMatchObject({ msgType: 'ERROR', msgData: { code: 'COLLECTION_PERMISSION_DENIED' } });
    expect(docsOf(snaps[0]).map((d) => d._id)).toEqual(['a1']);
  });

  test('divergence: client writes decode EJSON as the Admin API does: serverDate() is the local cloud\'s time, dates come back as Dates on get and as {$date: ms} in watches', async () => {
    // The client path used to parse with its own codec and refuse dates; it now shares ejson.ts.
    const db = client('alice').database();
    const snaps: WatchSnapshot[] = [];
    const listener = db.collection('notes').where({ room: 'd' }).watch({ onChange: (s) => snaps.push(s), onError: (e) => { throw e; } });
    closers.push(() => listener.close());
    await eventually(() => snaps.length === 1);
    cloud.clock.advance(86_400_000); // serverDate must follow the local cloud's clock, not the wall clock
    const at = new Date(Date.UTC(2031, 0, 2, 3, 4, 5));
    await db.collection('notes').doc('d1').set({ room: 'd', at, stamped: db.serverDate() });
    const [doc] = (await db.collection('notes').doc('d1').get()).data as Array<{ at: unknown; stamped: unknown }>;
    expect(doc.at).toEqual(at);
    expect(doc.stamped).toBeInstanceOf(Date);
    expect(Math.abs((doc.stamped as Date).getTime() - cloud.clock.now())).toBeLessThan(5_000);
    await eventually(() => snaps.length === 2);
    // The vendor's watch client JSON.parses documents: a date arrives as {$date: ms} (dbEvents.ts).
    expect(docsOf(snaps[1])[0]).toMatchObject({ _id: 'd1', at: { $date: at.getTime() } });
    expect((await db.collection('notes').where({ at: db.command.gt(new Date(Date.UTC(2031, 0, 1))) }).count()).total).toBe(1);
    const errors: unknown[] = [];
    const refused = db.collection('notes').where({ stamped: db.command.lt(db.serverDate()) }).watch({ onChange: () => undefined, onError: (e) => errors.push(e) });
    await eventually(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ msgData: { code: 'INVALID_PARAMETERS', message: expect.stringMatching(/serverDate/) } });
    refused.close();
  });

  test('divergence: a non-empty init snapshot has no type (only queueType init changes); changes keep docs', async () => {
    const db = client('w').database();
    await cloud.store.put('notes', 'x', { room: 'r', v: 1 });
    const snaps: WatchSnapshot[] = [];
    const listener = db.collection('notes').where({ room: 'r' }).watch({ onChange: (s) => snaps.push(s), onError: (e) => { throw e; } });
    closers.push(() => listener.close());
    await eventually(() => snaps.length === 1);
    expect(snaps[0].type).toBeUndefined();
    expect(snaps[0]).toMatchObject({ docChanges: [{ queueType: 'init', dataType: 'init', docId: 'x' }], docs: [{ _id: 'x', v: 1 }] });
    await cloud.store.patch('notes', 'x', { $set: { v: 2 } });
    await cloud.store.put('notes', 'y', { room: 'r', v: 1 });
    await eventually(() => snaps.length === 3);
    expect(snaps[1].docChanges).toMatchObject([{ queueType: 'update', dataType: 'update', docId: 'x', updatedFields: { v: 2 } }]);
    expect(docsOf(snaps[2]).map((d) => d._id)).toEqual(['x', 'y']);
    expect(snaps[2].type).toBeUndefined();
    const errors: unknown[] = [];
    const denied = db.collection('secret').watch({ onChange: () => undefined, onError: (e) => errors.push(e) });
    // divergence: the vendor calls onError twice for one server ERROR (the message, then its own error).
    await eventually(() => errors.length === 2);
    expect(errors[1]).toMatchObject({ errCode: 'SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL' });
    expect(errors[0]).toMatchObject({ msgData: { code: 'COLLECTION_PERMISSION_DENIED' } });
    denied.close();
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
        return JSON.stringify(Object.fromEntries(docsOf(last).map((d) => [d._id, d]))) === JSON.stringify(expected);
      }, 10_000, `round ${round} resync`);
      // And changes after the reconnect flow as usual.
      await cloud.store.patch('notes', `new-${round}`, { $set: { after: true } });
      await eventually(() => docsOf(snaps[snaps.length - 1]).some((d) => d._id === `new-${round}` && d.after === true));
    }
    const replayed = Object.fromEntries(replay());
    const final = await storeState();
    expect(Object.keys(replayed).sort()).toEqual(Object.keys(final).sort());
    for (const [id, doc] of Object.entries(final)) expect(replayed[id]).toEqual(doc);
    // REBUILD_WATCH resumed the same query each time: one init, then only changes.
    expect(snaps.filter((s) => s.docChanges.some((ch) => ch.queueType === 'init'))).toHaveLength(1);
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

    c.failWatches();
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toMatchObject({ errCode: 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_CLOSED' });

    // Changes made after the failure reach the bystander but not the failed watchers (no reconnect, no resync).
    await cloud.store.delete('notes', 'b');
    await cloud.store.patch('notes', 'a', { $set: { v: 2 } });
    await eventually(() => otherSnaps.length === 3);
    expect(snaps).toHaveLength(2);

    // Watching again opens a new connection and starts with an init of what the store holds now.
    const again: WatchSnapshot[] = [];
    const rewatch = c.database().collection('notes').where({ room: 'r' }).watch({ onChange: (s) => again.push(s), onError: (e) => errors.push(e) });
    closers.push(() => rewatch.close());
    await eventually(() => again.length === 1);
    expect(again[0]).toMatchObject({ docChanges: [{ queueType: 'init' }], docs: [{ _id: 'a', v: 2 }] });
    expect(docsOf(again[0])).toHaveLength(1);
    expect(errors).toHaveLength(2);
  });

  test('close() resolves and stops delivery; the last close releases the socket', async () => {
    const c = client('closer');
    const snaps: WatchSnapshot[] = [];
    const a = c.database().collection('notes').doc('only').watch({ onChange: (s) => snaps.push(s), onError: () => undefined });
    await eventually(() => snaps.length === 1);
    a.close();
    await cloud.store.put('notes', 'only', { v: 1 });
    await eventually(() => cloud.watch.getInfo().watches === 0);
    expect(snaps).toHaveLength(1);
    await eventually(async () => {
      const info = (await (await fetch(`${cloud.url}/v1/admin/info`)).json()) as { realtime: { sockets: number } };
      return info.realtime.sockets === 0;
    }, 5000, 'socket released');
  });
});
