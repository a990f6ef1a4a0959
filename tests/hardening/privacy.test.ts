/**
 * No client-readable document carries an OPENID. After a busy room (joins, role change, publish,
 * hands, invitations, signals to the room and to peers, a kick), every collection whose read rule in
 * shared/database.ts is not `false` is read through each user's wx.cloud-shaped client AND
 * from the store directly, and no document may contain any OPENID of the run, with one exception:
 * a peer signal's `_openid`, which holds its recipient's OPENID for the read rule. That exception is
 * checked too: only the recipient can read such a document, and it holds nobody else's OPENID. The
 * same holds for a call party's view (`_openid` is that party's own, shared/calls.ts).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../../emulator/client/client';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { Collections, SIGNAL_TO_ROOM, roomKeyOf } from '../../shared';
import type { ActionName, ActionRequest, ActionResponse } from '../../shared';
import { databaseDefinition } from '../../shared/database';
import { APP_ID, joinParams } from '../helpers/room';

const ROOM = 'private-room';
const ROOM_KEY = roomKeyOf(APP_ID, ROOM);
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
type User = (typeof USERS)[number];
/** Distinctive OPENIDs, so that any copy of one anywhere is found by a plain text search. */
const OPENID: Record<User, string> = {
  alice: 'oPRIV_alice_7Qx2',
  bob: 'oPRIV_bob_k3Lm',
  carol: 'oPRIV_carol_Zz91',
  dave: 'oPRIV_dave_p0Wq',
  erin: 'oPRIV_erin_Hh5t',
};
const ALL_OPENIDS = Object.values(OPENID);

/** The collections a client may read, as the shipped rules say. */
const readable = Object.entries(databaseDefinition)
  .filter(([, c]) => c.rule.read !== false)
  .map(([name]) => name)
  .sort();

let cloud: LocalCloud;
let dataDir: string;
const clients = {} as Record<User, CloudClient>;
const sessions = {} as Record<User, { appId: string; userRoomId: string; userId: string; sessionId: string }>;
/** Every reply a client got during the run (they must be free of other users' OPENIDs too). */
const replies: Array<{ user: User; action: string; reply: unknown }> = [];

async function act<A extends ActionName>(user: User, action: A, payload: ActionRequest<A>): Promise<ActionResponse<A>> {
  const res = await clients[user].callFunction({ name: 'jrtc', data: { action, ...payload } });
  replies.push({ user, action, reply: res.result });
  const reply = res.result as { ok: boolean; data?: ActionResponse<A>; error?: { code: string } };
  if (!reply.ok) throw new Error(`${user} ${action}: ${reply.error?.code}`);
  return reply.data as ActionResponse<A>;
}

/** The OPENIDs that occur anywhere in `value` (keys and values), by text search. */
function openidsIn(value: unknown): string[] {
  const text = JSON.stringify(value);
  return ALL_OPENIDS.filter((o) => text.includes(o));
}

/** Pages through a client query (a client get returns at most 20 documents). */
async function readAll(client: CloudClient, collection: string, where: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let skip = 0; ; skip += 20) {
    const { data } = await client.database().collection(collection).where(where).orderBy('_id', 'asc').skip(skip).limit(20).get();
    out.push(...data);
    if (data.length < 20) return out;
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-privacy-'));
  cloud = await startLocalCloud({ port: 0, dataDir, timers: false, log: () => undefined });
  for (const user of USERS) clients[user] = createCloudClient({ url: cloud.url, openid: OPENID[user] });

  // The busy scenario.
  for (const user of USERS) {
    const join = await act(user, 'joinRoom', joinParams(ROOM, user, user === 'alice' || user === 'bob' ? 1 : 2));
    sessions[user] = { appId: APP_ID, userRoomId: ROOM, userId: user, sessionId: join.sessionId };
  }
  await act('alice', 'publish', sessions.alice);
  await act('bob', 'publish', sessions.bob);
  await act('carol', 'subscribe', sessions.carol);
  await act('alice', 'setStagePolicy', { ...sessions.alice, policy: 'invite' });
  await act('carol', 'raiseHand', sessions.carol);
  await act('alice', 'inviteToStage', { ...sessions.alice, targetUserId: 'carol' });
  await act('carol', 'setRole', { ...sessions.carol, role: 1 });
  await act('alice', 'mute', { ...sessions.alice, targetUserId: 'bob', muted: true });
  await act('alice', 'muteAll', { ...sessions.alice, muted: true });
  await act('dave', 'sendSignal', { ...sessions.dave, type: 'chat', payload: { text: 'hello room' } });
  await act('dave', 'sendSignal', { ...sessions.dave, toUserId: 'erin', type: 'dm', payload: { text: 'hi erin' } });
  await act('erin', 'sendSignal', { ...sessions.erin, toUserId: 'dave', type: 'dm', payload: { text: 'hi dave' } });
  await act('bob', 'sendSignal', { ...sessions.bob, toUserId: 'carol', type: 'dm', payload: OPENID.bob });
  await act('alice', 'kick', { ...sessions.alice, targetUserId: 'dave', reason: 'enough' });
  await act('erin', 'getAudienceList', sessions.erin);
  await act('erin', 'getBroadcasterList', sessions.erin);
  await act('erin', 'getRoomMemberCount', sessions.erin);
  await act('bob', 'issueToken', { appId: APP_ID, userRoomId: ROOM, userId: 'bob' });
  // A call: erin listens, bob rings erin from the room, erin answers; then carol is rung too.
  await act('erin', 'listenCalls', { appId: APP_ID, userId: 'erin' });
  await act('carol', 'listenCalls', { appId: APP_ID, userId: 'carol' });
  const { call } = await act('bob', 'call', { ...sessions.bob, callees: ['erin'] });
  await act('erin', 'acceptCall', { appId: APP_ID, callId: call.callId, userId: 'erin', deviceId: 'device-erin' });
  await act('bob', 'call', { ...sessions.bob, callees: ['carol'] });
  await act('carol', 'getCall', { appId: APP_ID, callId: call.callId, userId: 'carol' });
});

afterAll(async () => {
  await cloud.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Where an OPENID may legitimately appear: the `_openid` of a peer signal, and then only the
 * recipient's. Returns the document without that field, for the search.
 */
function withoutRecipientField(collection: string, doc: Record<string, unknown>): Record<string, unknown> {
  if (collection === Collections.callParties) {
    // A call party's view is made out to that party, and read by it alone.
    expect({ view: doc._id, _openid: doc._openid }).toEqual({ view: doc._id, _openid: OPENID[doc.userId as User] });
    const { _openid: _party, ...rest } = doc;
    return rest;
  }
  if (collection !== Collections.signals || doc.to === SIGNAL_TO_ROOM) return doc;
  const recipient = doc.to as User;
  expect({ signal: doc._id, _openid: doc._openid }).toEqual({ signal: doc._id, _openid: OPENID[recipient] });
  const { _openid: _recipient, ...rest } = doc;
  return rest;
}

describe('no client-readable document contains an OPENID', () => {
  test('the rules make exactly rooms, members, signals and call views client-readable', () => {
    expect(readable).toEqual([Collections.members, Collections.rooms, Collections.signals, Collections.callParties].sort());
  });

  test('in the store itself (every document of every client-readable collection)', async () => {
    let checked = 0;
    for (const collection of readable) {
      const docs = await cloud.store.find(collection, {});
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        // A signal's payload is the sender's own business (bob sent his own OPENID on purpose): only
        // what the service adds is checked, so the payload is masked.
        const clean = collection === Collections.signals ? { ...withoutRecipientField(collection, doc), payloadJson: '' } : withoutRecipientField(collection, doc);
        expect({ collection, id: doc._id, openids: openidsIn(clean) }).toEqual({ collection, id: doc._id, openids: [] });
        checked += 1;
      }
    }
    // 4 members + 1 room + 6 signals (chat, 3 dm, invited, kicked) + 3 call views (bob, erin, carol).
    expect(checked).toBe(14);
  });

  test("through every user's client: rooms, members and the signals each may read", async () => {
    for (const user of USERS) {
      const client = clients[user];
      const seen: Array<[string, Record<string, unknown>]> = [];
      for (const doc of await readAll(client, Collections.rooms, { roomKey: ROOM_KEY })) seen.push([Collections.rooms, doc]);
      for (const doc of await readAll(client, Collections.members, { roomKey: ROOM_KEY })) seen.push([Collections.members, doc]);
      // The two signal queries the SDK makes, each a subset of the read rule: room-wide, and the inbox.
      const signals = [
        ...(await readAll(client, Collections.signals, { roomKey: ROOM_KEY, to: SIGNAL_TO_ROOM })),
        ...(await readAll(client, Collections.signals, { roomKey: ROOM_KEY, _openid: '{openid}' })),
      ];
      for (const doc of signals) seen.push([Collections.signals, doc]);
      // The call views the SDK reads: one's own, and only one's own.
      const views = await readAll(client, Collections.callParties, { _openid: '{openid}' });
      expect({ user, views: views.map((d) => d.userId) }).toEqual({ user, views: views.map(() => user) });
      for (const doc of views) seen.push([Collections.callParties, doc]);
      expect(seen.filter(([c]) => c === Collections.members)).toHaveLength(4);
      for (const [collection, doc] of seen) {
        const clean = collection === Collections.signals ? { ...withoutRecipientField(collection, doc), payloadJson: '' } : withoutRecipientField(collection, doc);
        expect({ user, collection, id: doc._id, openids: openidsIn(clean) }).toEqual({ user, collection, id: doc._id, openids: [] });
      }
      // A peer signal a client reads is addressed to it.
      for (const doc of signals) if (doc.to !== SIGNAL_TO_ROOM) expect({ user, to: doc.to }).toEqual({ user, to: user });
    }
  });

  test("the public fields that name people are userIds and nickNames, never OPENIDs (fromNickName, allMuted)", async () => {
    // Every signal carries its sender's nickName (joinParams joins each user with its userId as nickName).
    const signals = await cloud.store.find(Collections.signals, {});
    expect(signals.map((d) => [d.from, d.fromNickName])).toEqual(signals.map((d) => [d.from, d.from]));
    const [room] = await cloud.store.find(Collections.rooms, {});
    expect(room).toMatchObject({ allMuted: true, ownerUserId: 'alice' });
  });

  test("a peer signal's recipient OPENID is readable by that recipient only", async () => {
    const peerSignals = (await cloud.store.find(Collections.signals, {})).filter((d) => d.to !== SIGNAL_TO_ROOM);
    expect(peerSignals.map((d) => d.to).sort()).toEqual(['carol', 'carol', 'dave', 'dave', 'erin']);
    for (const user of USERS) {
      // Each user's inbox holds exactly the peer signals addressed to it.
      const inbox = await readAll(clients[user], Collections.signals, { roomKey: ROOM_KEY, _openid: '{openid}' });
      expect({ user, inbox: inbox.map((d) => d._id).sort() }).toEqual({ user, inbox: peerSignals.filter((d) => d.to === user).map((d) => d._id).sort() });
      for (const doc of peerSignals) {
        if (user === doc.to) continue;
        // Nobody else reads it: not by id, not by naming its recipient's OPENID.
        await expect(clients[user].database().collection(Collections.signals).doc(doc._id).get()).rejects.toMatchObject({ errCode: -502003 });
        await expect(
          clients[user].database().collection(Collections.signals).where({ roomKey: ROOM_KEY, _openid: doc._openid }).get(),
        ).rejects.toMatchObject({ errCode: -502003 });
      }
    }
    // Nor can anyone query another's inbox or the whole room's signals.
    const db = clients.carol.database();
    await expect(db.collection(Collections.signals).where({ roomKey: ROOM_KEY, to: 'erin' }).get()).rejects.toMatchObject({ errCode: -502003 });
    await expect(db.collection(Collections.signals).where({ roomKey: ROOM_KEY }).get()).rejects.toMatchObject({ errCode: -502003 });
  });

  test('the private collections that do hold OPENIDs are closed to every client', async () => {
    for (const collection of [Collections.presence, Collections.users, Collections.calls, Collections.callees]) {
      expect(readable).not.toContain(collection);
      await expect(clients.alice.database().collection(collection).where({}).get()).rejects.toMatchObject({ errCode: -502003 });
    }
  });

  test("no function reply hands a client another user's OPENID", () => {
    expect(replies.length).toBeGreaterThan(20);
    for (const { user, action, reply } of replies) {
      // Bob's own signal payload carries his OPENID on purpose; replies never echo payloads.
      expect({ user, action, openids: openidsIn(reply).filter((o) => o !== OPENID[user]) }).toEqual({ user, action, openids: [] });
    }
  });
});
