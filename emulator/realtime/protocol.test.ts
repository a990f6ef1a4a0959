/** The realtime protocol over a raw socket: the messages exactly as the vendor client sends and reads them. */
import { WebSocket } from 'ws';
import type { LocalCloud } from '../jrtc/localCloud';
import { createCloudClient } from '../client/client';
import type { WatchSnapshot } from '../client/client';
import { docsOf } from '../../miniprogram/lib/src/cloud';
import { eventually, startFixtureCloud } from '../__fixtures__/fixtureCloud';
import type { RealtimeReply } from './protocol';

type Reply = RealtimeReply & { watchId?: string; msgData: Record<string, unknown> | null };

/** A raw realtime socket that records every reply. */
class RawSocket {
  readonly replies: Reply[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.replies.push(JSON.parse(data.toString()) as Reply));
  }

  static async open(cloud: LocalCloud): Promise<RawSocket> {
    const ws = new WebSocket(`${cloud.url.replace('http', 'ws')}/`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new RawSocket(ws);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The reply to request `requestId`. */
  async reply(requestId: string): Promise<Reply> {
    await eventually(() => this.replies.some((r) => r.requestId === requestId), 5000, `reply to ${requestId}`);
    return this.replies.find((r) => r.requestId === requestId) as Reply;
  }

  /** Every pushed NEXT_EVENT of `watchId`. */
  events(watchId: string): Reply[] {
    return this.replies.filter((r) => r.msgType === 'NEXT_EVENT' && r.watchId === watchId && r.requestId.startsWith('push_'));
  }
}

/** What `auth.wsWebSign` answers `openid` (its ticket and URL), through POST /web as the vendor's request class does. */
async function sign(cloud: LocalCloud, openid: string): Promise<{ signStr: string; wsUrl: string }> {
  const post = async (body: unknown, token?: string): Promise<{ data: Record<string, string> }> => {
    const res = await fetch(`${cloud.url}/web`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data: Record<string, string> };
  };
  const { data } = await post({ action: 'auth.localUserToken', openid });
  return (await post({ action: 'auth.wsWebSign', runtime: 'test' }, data.accessToken)).data as { signStr: string; wsUrl: string };
}

const login = (signStr: string, requestId = 'login-1') => ({
  requestId,
  msgType: 'LOGIN',
  msgData: { envId: 'local', accessToken: '', referrer: 'web', sdkVersion: '', dataVersion: '2020-01-10' },
  exMsgData: { runtime: 'test', signStr, secretVersion: 1 },
});
const where = (condition: Record<string, unknown>): string => JSON.stringify(JSON.stringify(condition));
const initWatch = (watchId: string, collName: string, query?: string, requestId = `init-${watchId}`) => ({
  watchId,
  requestId,
  msgType: 'INIT_WATCH',
  msgData: { envId: 'local', collName, ...(query === undefined ? {} : { query }) },
});

describe('realtime protocol', () => {
  let cloud: LocalCloud;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    cloud = await startFixtureCloud();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await cloud.stop();
  });
  const open = async (openid: string): Promise<RawSocket> => {
    const s = await RawSocket.open(cloud);
    sockets.push(s);
    const { signStr } = await sign(cloud, openid);
    s.send(login(signStr));
    expect(await s.reply('login-1')).toEqual({ requestId: 'login-1', msgType: 'LOGIN_RES', msgData: { envId: 'local' } });
    return s;
  };

  test('auth.wsWebSign points the vendor client at this local cloud', async () => {
    const { wsUrl } = await sign(cloud, 'w');
    expect(wsUrl).toBe(`${cloud.url.replace('http', 'ws')}/`);
  });

  test('INIT_WATCH answers INIT_EVENT; inserts, updates and removes arrive as NEXT_EVENTs numbered one by one', async () => {
    await cloud.store.put('notes', 'x', { room: 'r', v: 1, s: { a: 1 } });
    const s = await open('w');
    s.send(initWatch('w1', 'notes', where({ room: 'r' })));
    const init = await s.reply('init-w1');
    expect(init).toMatchObject({ watchId: 'w1', msgType: 'INIT_EVENT', msgData: { currEvent: 1 } });
    const queryID = (init.msgData as { queryID: string }).queryID;
    expect((init.msgData as { events: unknown[] }).events).toEqual([
      { ID: 1, DataType: 'init', QueueType: 'init', DocID: 'x', Doc: JSON.stringify({ _id: 'x', room: 'r', v: 1, s: { a: 1 } }) },
    ]);

    await cloud.store.put('notes', 'y', { room: 'r', v: 1 });
    await cloud.store.patch('notes', 'x', { $set: { v: 2, 's.a': 3 } });
    await cloud.store.delete('notes', 'y');
    await cloud.store.put('notes', 'z', { room: 'elsewhere' }); // not in the result: no event
    await eventually(() => s.events('w1').length === 3);
    const [add, update, remove] = s.events('w1');
    expect(add.msgData).toEqual({
      queryID,
      currEvent: 2,
      events: [{ ID: 2, DataType: 'add', QueueType: 'enqueue', DocID: 'y', Doc: JSON.stringify({ _id: 'y', room: 'r', v: 1 }) }],
    });
    expect(update.msgData).toMatchObject({ currEvent: 3, events: [{ ID: 3, DataType: 'update', QueueType: 'update', DocID: 'x', Doc: '' }] });
    const u = (update.msgData as { events: Array<{ UpdatedFields: string; removedFields: string }> }).events[0];
    expect(JSON.parse(u.UpdatedFields)).toEqual({ v: 2, 's.a': 3 });
    expect(JSON.parse(u.removedFields)).toEqual([]);
    expect(remove.msgData).toEqual({ queryID, currEvent: 4, events: [{ ID: 4, DataType: 'remove', QueueType: 'dequeue', DocID: 'y', Doc: '' }] });
  });

  test("doc(id).set() over an existing document is a 'replace' event: the whole Doc, no UpdatedFields", async () => {
    await cloud.store.put('notes', 'x', { room: 'r', v: 1, gone: true });
    const s = await open('w');
    s.send(initWatch('w1', 'notes', where({ room: 'r' })));
    await s.reply('init-w1');
    await cloud.store.put('notes', 'x', { room: 'r', v: 2 }); // set: inside the result
    await cloud.store.put('notes', 'x', { room: 'elsewhere', v: 3 }); // set: out of the result
    await eventually(() => s.events('w1').length === 2);
    const [inside, out] = s.events('w1').map((e) => (e.msgData as unknown as { events: Array<Record<string, unknown>> }).events);
    // @cloudbase/database's client closes the watch on a replace without Doc, and reads
    // UpdatedFields / removedFields only for DataType 'update' (realtime/virtual-websocket-client.js).
    expect(inside).toEqual([{ ID: 2, DataType: 'replace', QueueType: 'update', DocID: 'x', Doc: JSON.stringify({ _id: 'x', room: 'r', v: 2 }) }]);
    expect(out).toEqual([{ ID: 3, DataType: 'replace', QueueType: 'dequeue', DocID: 'x', Doc: JSON.stringify({ _id: 'x', room: 'elsewhere', v: 3 }) }]);
  });

  test("the vendor watch client applies a replace made by the vendor client's doc(id).set(): fields the set dropped are gone", async () => {
    const c = createCloudClient({ url: cloud.url, openid: 'w' });
    const db = c.database();
    await db.collection('notes').doc('x').set({ room: 'r', v: 1, nested: { a: 1, b: 2 } });
    const snaps: WatchSnapshot[] = [];
    const errors: unknown[] = [];
    const listener = db.collection('notes').where({ room: 'r' }).watch({ onChange: (snap) => snaps.push(snap), onError: (e) => errors.push(e) });
    try {
      await eventually(() => snaps.length === 1);
      await db.collection('notes').doc('x').set({ room: 'r', v: 2, nested: { a: 1 } });
      await eventually(() => snaps.length === 2);
      expect(snaps[1].docChanges).toEqual([
        expect.objectContaining({ dataType: 'replace', queueType: 'update', docId: 'x', doc: { _id: 'x', _openid: 'w', room: 'r', v: 2, nested: { a: 1 } } }),
      ]);
      expect(snaps[1].docChanges[0]).not.toHaveProperty('updatedFields');
      expect(docsOf(snaps[1])).toEqual([await cloud.store.get('notes', 'x')]);
      // An update is still an update, applied by the client from its fields onto the replaced doc.
      await db.collection('notes').doc('x').update({ v: 3 });
      await eventually(() => snaps.length === 3);
      expect(snaps[2].docChanges).toEqual([expect.objectContaining({ dataType: 'update', updatedFields: { v: 3 } })]);
      expect(docsOf(snaps[2])).toEqual([await cloud.store.get('notes', 'x')]);
      // A set that takes the document out: a dequeue the client accepts (it needs the doc).
      await db.collection('notes').doc('x').set({ room: 'elsewhere' });
      await eventually(() => snaps.length === 4);
      expect(snaps[3].docChanges).toEqual([expect.objectContaining({ dataType: 'replace', queueType: 'dequeue', docId: 'x' })]);
      expect(docsOf(snaps[3])).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  test('a doc watch (query {_id}) sees its document only; PING gets PONG', async () => {
    const s = await open('w');
    s.send(initWatch('d1', 'notes', JSON.stringify({ _id: 'only' })));
    expect(await s.reply('init-d1')).toMatchObject({ msgType: 'INIT_EVENT', msgData: { currEvent: 1, events: [] } });
    await cloud.store.put('notes', 'other', { v: 1 });
    await cloud.store.put('notes', 'only', { v: 1 });
    await eventually(() => s.events('d1').length === 1);
    expect(s.events('d1')[0].msgData).toMatchObject({ currEvent: 2, events: [{ DocID: 'only', DataType: 'add' }] });
    s.send({ requestId: 'p1', msgType: 'PING', msgData: null });
    expect(await s.reply('p1')).toEqual({ requestId: 'p1', msgType: 'PONG', msgData: null });
  });

  test('CHECK_LAST answers CHECK_EVENT with the current event; CLOSE_WATCH stops the events', async () => {
    const s = await open('w');
    s.send(initWatch('w1', 'notes', where({ room: 'r' })));
    const queryID = ((await s.reply('init-w1')).msgData as { queryID: string }).queryID;
    await cloud.store.put('notes', 'a', { room: 'r' });
    await eventually(() => s.events('w1').length === 1);
    s.send({ watchId: 'w1', requestId: 'c1', msgType: 'CHECK_LAST', msgData: { queryID, eventID: 1 } });
    expect(await s.reply('c1')).toEqual({ watchId: 'w1', requestId: 'c1', msgType: 'CHECK_EVENT', msgData: { queryID, currEvent: 2 } });
    s.send({ watchId: 'w1', requestId: 'x1', msgType: 'CLOSE_WATCH', msgData: null });
    await eventually(() => cloud.watch.getInfo().watches === 0);
    await cloud.store.put('notes', 'b', { room: 'r' });
    s.send({ requestId: 'p', msgType: 'PING', msgData: null });
    await s.reply('p'); // the socket is still served, in order
    expect(s.events('w1')).toHaveLength(1);
    s.send({ watchId: 'w1', requestId: 'c2', msgType: 'CHECK_LAST', msgData: { queryID, eventID: 2 } });
    expect(await s.reply('c2')).toMatchObject({ msgType: 'ERROR', msgData: { code: 'QUERYID_INVALID_ERROR' } });
  });

  test('REBUILD_WATCH on a new socket replays what was missed, then events flow on; another user cannot take the query', async () => {
    const s = await open('w');
    s.send(initWatch('w1', 'notes', where({ room: 'r' })));
    const queryID = ((await s.reply('init-w1')).msgData as { queryID: string }).queryID;
    await cloud.store.put('notes', 'a', { room: 'r' });
    await eventually(() => s.events('w1').length === 1);
    s.ws.terminate();
    await cloud.store.put('notes', 'b', { room: 'r' });
    await cloud.store.delete('notes', 'a');

    const thief = await open('someone-else');
    thief.send({ watchId: 'w1', requestId: 'r0', msgType: 'REBUILD_WATCH', msgData: { envId: 'local', collName: 'notes', queryID, eventID: 2 } });
    expect(await thief.reply('r0')).toMatchObject({ msgType: 'ERROR', msgData: { code: 'QUERYID_INVALID_ERROR' } });

    const back = await open('w');
    back.send({ watchId: 'w1', requestId: 'r1', msgType: 'REBUILD_WATCH', msgData: { envId: 'local', collName: 'notes', queryID, eventID: 2 } });
    const rebuilt = await back.reply('r1');
    expect(rebuilt).toMatchObject({ watchId: 'w1', msgType: 'NEXT_EVENT', msgData: { queryID, currEvent: 4 } });
    expect((rebuilt.msgData as { events: Array<{ ID: number; DocID: string; DataType: string }> }).events.map((e) => [e.ID, e.DocID, e.DataType])).toEqual([
      [3, 'b', 'add'],
      [4, 'a', 'remove'],
    ]);
    await cloud.store.put('notes', 'c', { room: 'r' });
    await eventually(() => back.events('w1').length === 1);
    expect(back.events('w1')[0].msgData).toMatchObject({ currEvent: 5 });
    // From an event the server never sent: the client must start over.
    back.send({ watchId: 'w1', requestId: 'r2', msgType: 'REBUILD_WATCH', msgData: { envId: 'local', collName: 'notes', queryID, eventID: 9 } });
    expect(await back.reply('r2')).toMatchObject({ watchId: 'w1', msgType: 'ERROR', msgData: { code: 'QUERYID_INVALID_ERROR' } });
  });

  test.each([
    ['not JSON', '{oops', ''],
    ['an unknown msgType', { requestId: 'm1', msgType: 'DROP_DB', msgData: null }, 'm1'],
    ['a bad collection name', initWatch('w1', 'no/such', undefined, 'm2'), 'm2'],
    ['a query that is not JSON', initWatch('w1', 'notes', '{', 'm3'), 'm3'],
    ['a raw Mongo operator', initWatch('w1', 'notes', where({ $where: 'sleep(1)' }), 'm4'), 'm4'],
  ])('malformed message (%s) → typed ERROR, nothing changes, the socket keeps working', async (_what, message, requestId) => {
    const s = await open('w');
    s.send(message);
    await eventually(() => s.replies.some((r) => r.msgType === 'ERROR'));
    expect(s.replies.find((r) => r.msgType === 'ERROR')).toMatchObject({ requestId, msgType: 'ERROR', msgData: { code: 'INVALID_PARAMETERS', message: expect.any(String) } });
    expect(cloud.watch.getInfo().watches).toBe(0);
    s.send(initWatch('ok', 'notes'));
    expect(await s.reply('init-ok')).toMatchObject({ msgType: 'INIT_EVENT' });
  });

  test('before LOGIN, or with a ticket not issued here, nothing is watched', async () => {
    const s = await RawSocket.open(cloud);
    sockets.push(s);
    s.send(initWatch('w1', 'notes'));
    expect(await s.reply('init-w1')).toMatchObject({ msgType: 'ERROR', msgData: { code: 'CHECK_LOGIN_FAILED' } });
    const { signStr } = await sign(cloud, 'w');
    s.send(login(`${signStr.slice(0, -2)}xx`, 'l-bad'));
    expect(await s.reply('l-bad')).toMatchObject({ msgType: 'LOGIN_RES', msgData: { code: 'SIGN_INVALID_ERROR' } });
    expect(cloud.watch.getInfo().watches).toBe(0);
  });

  test('rules apply to watches: a query outside the read rule → COLLECTION_PERMISSION_DENIED; "{openid}" is the logged-in user', async () => {
    await cloud.store.put('own', 'a1', { _openid: 'alice', n: 1 });
    await cloud.store.put('own', 'b1', { _openid: 'bob', n: 1 });
    const s = await open('alice');
    s.send(initWatch('w1', 'own', where({ n: 1 })));
    expect(await s.reply('init-w1')).toMatchObject({ watchId: 'w1', msgType: 'ERROR', msgData: { code: 'COLLECTION_PERMISSION_DENIED' } });
    s.send(initWatch('w2', 'secret'));
    expect(await s.reply('init-w2')).toMatchObject({ msgType: 'ERROR', msgData: { code: 'COLLECTION_PERMISSION_DENIED' } });
    s.send(initWatch('w3', 'own', where({ _openid: '{openid}' })));
    const init = await s.reply('init-w3');
    expect((init.msgData as { events: Array<{ DocID: string }> }).events.map((e) => e.DocID)).toEqual(['a1']);
  });
});
