/**
 * Room control, end to end: the built jrtc function on the local cloud (its own process), driven
 * through the wx.cloud-shaped client only, with what each client sees through realtime watch.
 */
import { Collections, roomKeyOf } from '../shared';
import { startCloudProcess } from './helpers/cloudProcess';
import type { CloudProcess } from './helpers/cloudProcess';
import { APP_ID, call, callOk, joinAs, joinParams } from './helpers/room';
import type { Joined } from './helpers/room';
import { WatchRecorder } from './helpers/watch';

let cloud: CloudProcess;
const watchers: WatchRecorder[] = [];

beforeAll(async () => {
  cloud = await startCloudProcess();
});

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.close()));
  await cloud.stop();
});

function record(query: ConstructorParameters<typeof WatchRecorder>[0]): WatchRecorder {
  const rec = new WatchRecorder(query);
  watchers.push(rec);
  return rec;
}

/** Every document a watch has delivered so far (any snapshot), by id. */
function seen(rec: WatchRecorder): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const c of rec.changes) if (c.doc) out.set(c.docId, c.doc);
  return out;
}

const types = (rec: WatchRecorder): string[] => [...seen(rec).values()].map((d) => String(d.type));
const codeOf = (reply: { ok: boolean; error?: { code: string } }): string => (reply.ok ? 'ok' : String(reply.error?.code));

describe('room control through the local cloud', () => {
  const room = 'class-rc';
  const roomKey = roomKeyOf(APP_ID, room);
  let teacher: Joined;
  let s1: Joined;
  let s2: Joined;

  /** The room-wide signals, as any member watches them. */
  const roomSignals = (who: Joined) =>
    record(who.client.database().collection(Collections.signals).where({ roomKey, to: '*' }));
  /**
   * A member's inbox: `_openid: '{openid}'`, which the cloud (CloudBase, and the local cloud alike)
   * fills in with the caller's OPENID, so that the query is a subset of the read rule.
   */
  const inbox = (who: Joined) =>
    record(who.client.database().collection(Collections.signals).where({ roomKey, _openid: '{openid}' }));

  test('invite-only class: raised hand seen through watch, invitation, stage, signals, kick', async () => {
    teacher = await joinAs(cloud.url, room, 'teacher', 1);
    const policy = await callOk(teacher.client, 'setStagePolicy', { ...teacher.session, policy: 'invite' });
    expect(policy.room.stagePolicy).toBe('invite');
    s1 = await joinAs(cloud.url, room, 's1', 2);
    s2 = await joinAs(cloud.url, room, 's2', 2);

    // The teacher (an anchor) watches the whole roster; the students watch the stage.
    const roster = record(teacher.client.database().collection(Collections.members).where({ roomKey }));
    const stage = record(s2.client.database().collection(Collections.members).where({ roomKey, role: 1 }));
    const inboxes = { s1: inbox(s1), s2: inbox(s2) };
    const rooms = { teacher: roomSignals(teacher), s1: roomSignals(s1), s2: roomSignals(s2) };
    for (const w of [roster, stage, inboxes.s1, inboxes.s2, rooms.teacher, rooms.s1, rooms.s2]) {
      await w.until((r) => r.snapshots.length >= 1 || r.errors.length > 0);
      expect(w.errors).toEqual([]);
    }
    expect(roster.docs.map((d) => d.userId).sort()).toEqual(['s1', 's2', 'teacher']);

    // Raise hand: the teacher sees it through watch.
    await callOk(s1.client, 'raiseHand', s1.session);
    await roster.until((r) => r.changes.some((c) => c.docId === `${roomKey}:s1` && c.updatedFields?.handRaised === true));

    // Not invited yet: the stage is closed to s1.
    expect(codeOf(await call(s1.client, 'setRole', { ...s1.session, role: 1 }))).toBe('ROLE_FORBIDDEN');
    await callOk(teacher.client, 'inviteToStage', { ...teacher.session, targetUserId: 's1' });
    await inboxes.s1.until((r) => types(r).includes('jrtc.invited'));
    const up = await callOk(s1.client, 'setRole', { ...s1.session, role: 1 });
    expect(up.member).toMatchObject({ role: 1, invited: true, handRaised: false });
    await stage.until((r) => r.docs.some((d) => d.userId === 's1'));
    expect(await callOk(teacher.client, 'getRoomMemberCount', teacher.session)).toEqual({
      total: 3,
      broadcasterCount: 2,
      audienceCount: 1,
    });

    // Signals: a peer signal reaches only its recipient, a room signal reaches everyone.
    const peer = await callOk(teacher.client, 'sendSignal', {
      ...teacher.session,
      toUserId: 's1',
      type: 'note',
      payload: { text: 'for s1 only' },
    });
    const all = await callOk(teacher.client, 'sendSignal', { ...teacher.session, type: 'quiz', payload: { q: 7 } });
    const sentinel = await callOk(teacher.client, 'sendSignal', { ...teacher.session, toUserId: 's2', type: 'note', payload: 's2' });
    await inboxes.s1.until((r) => seen(r).has(peer.signalId));
    expect(JSON.parse(String(seen(inboxes.s1).get(peer.signalId)?.payloadJson))).toEqual({ text: 'for s1 only' });
    for (const w of Object.values(rooms)) await w.until((r) => seen(r).has(all.signalId));
    await inboxes.s2.until((r) => seen(r).has(sentinel.signalId));
    // By now everything before the sentinel has been delivered: s2 never saw s1's signal.
    expect(seen(inboxes.s2).has(peer.signalId)).toBe(false);
    for (const w of Object.values(rooms)) expect(seen(w).has(peer.signalId)).toBe(false);
    for (const w of Object.values(rooms)) {
      for (const doc of seen(w).values()) expect(JSON.stringify(doc)).not.toMatch(/openid/i);
    }

    // A client that asks for someone else's inbox is refused by the rules: `to == 's1'` does not
    // imply `_openid == auth.openid`, so the query is not a subset of the read rule.
    const snoop = record(s2.client.database().collection(Collections.signals).where({ roomKey, to: 's1' }));
    // So are another member's OPENID written out, and a member's own `to in ['*', me]` (which
    // would only return readable documents, but the query is not a subset of the rule).
    const stolen = record(s2.client.database().collection(Collections.signals).where({ roomKey, _openid: 'openid-s1' }));
    const either = record(
      s1.client.database().collection(Collections.signals).where({ roomKey, to: s1.client.database().command.in(['*', 's1']) }),
    );
    for (const w of [snoop, stolen, either]) {
      await w.until((r) => r.errors.length >= 1 || r.snapshots.length >= 1);
      // The vendor client hands onError the server's ERROR message first (CloudBase's code for -502003).
      expect(w.errors[0]).toMatchObject({ msgType: 'ERROR', msgData: { code: 'COLLECTION_PERMISSION_DENIED' } });
      expect(w.snapshots).toEqual([]);
    }

    // Kick s2: gone from the roster, told at once, refused on rejoin.
    const s2Token = joinParams(room, 's2', 2);
    const s2b = await callOk(s2.client, 'joinRoom', s2Token); // rejoin with a known token (a new session)
    const s2Session = { ...s2.session, sessionId: s2b.sessionId };
    const kicked = await callOk(teacher.client, 'kick', { ...teacher.session, targetUserId: 's2', reason: 'noise' });
    await inboxes.s2.until((r) => types(r).includes('jrtc.kicked'));
    await roster.until((r) => !r.docs.some((d) => d.userId === 's2'));
    const beat = await call(s2.client, 'heartbeat', s2Session);
    expect(beat).toMatchObject({ ok: false, error: { code: 'KICKED', details: { reason: 'noise', bannedUntil: kicked.bannedUntil } } });
    expect(codeOf(await call(s2.client, 'joinRoom', s2Token))).toBe('TOKEN_REVOKED');
    expect(codeOf(await call(s2.client, 'joinRoom', joinParams(room, 's2', 2)))).toBe('KICKED');
    expect(await callOk(teacher.client, 'getRoomMemberCount', teacher.session)).toEqual({
      total: 2,
      broadcasterCount: 2,
      audienceCount: 0,
    });
  });
});
