/**
 * The foundation, end to end: the built cloud functions run unchanged on the local cloud (its own process),
 * and everything here goes through the wx.cloud-shaped client only.
 */
import { createCloudClient } from '../emulator/client/client';
import { Collections, roomKeyOf } from '../shared';
import { startCloudProcess, CloudProcess } from './helpers/cloudProcess';
import { APP_ID, call, callOk, joinAs, joinParams } from './helpers/room';
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

function watchMembers(roomId: string, openid = 'openid-observer', role?: 1 | 2): WatchRecorder {
  const db = createCloudClient({ url: cloud.url, openid }).database();
  const where: Record<string, unknown> = { roomKey: roomKeyOf(APP_ID, roomId) };
  if (role) where.role = role;
  const rec = new WatchRecorder(db.collection(Collections.members).where(where));
  watchers.push(rec);
  return rec;
}

function watchRoom(roomId: string): WatchRecorder {
  const db = createCloudClient({ url: cloud.url, openid: 'openid-observer' }).database();
  const rec = new WatchRecorder(db.collection(Collections.rooms).doc(roomKeyOf(APP_ID, roomId)));
  watchers.push(rec);
  return rec;
}

const ids = (docs: Record<string, unknown>[]): string[] => docs.map((d) => String(d.userId)).sort();

describe('a room through the local cloud', () => {
  test('join, role change, publish, subscribe, leave — with watch events for each', async () => {
    const room = 'class-1';
    const members = watchMembers(room);
    const anchors = watchMembers(room, 'openid-observer2', 1);
    await members.until((r) => r.snapshots.length >= 1);
    expect(members.snapshots[0].type).toBe('init');
    expect(members.docs).toEqual([]);

    const teacher = await joinAs(cloud.url, room, 'teacher', 1);
    const student = await joinAs(cloud.url, room, 'student-1', 2);
    await members.until((r) => r.docs.length === 2);
    expect(ids(members.docs)).toEqual(['student-1', 'teacher']);
    expect(members.changes.filter((c) => c.queueType === 'enqueue').map((c) => c.dataType)).toEqual(['add', 'add']);
    // Public member docs carry no identity or session.
    for (const doc of members.docs) {
      expect(JSON.stringify(doc)).not.toMatch(/openid|sessionId/i);
    }
    await anchors.until((r) => r.docs.length === 1);
    expect(ids(anchors.docs)).toEqual(['teacher']);

    // Role change: the anchors watch sees the student enqueue.
    const promoted = await callOk(student.client, 'setRole', { ...student.session, role: 1 });
    expect(promoted.member.role).toBe(1);
    await anchors.until((r) => r.docs.length === 2);
    expect(anchors.changes.some((c) => c.queueType === 'enqueue' && c.docId.endsWith(':student-1'))).toBe(true);
    await members.until((r) => r.changes.some((c) => c.queueType === 'update' && c.updatedFields?.role === 1));

    // Publish: a signed push URL, and the watch sees stream.publishing flip.
    const pub = await callOk(teacher.client, 'publish', teacher.session);
    expect(pub.pushUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:1935\/live\/[A-Za-z0-9_-]+\?sign=\d+-[0-9a-f]{32}$/);
    await members.until((r) =>
      r.changes.some((c) => c.queueType === 'update' && c.updatedFields?.['stream.publishing'] === true),
    );

    // Subscribe: one pull URL set per anchor on stage, the student itself (not publishing yet) included.
    const sub = await callOk(student.client, 'subscribe', student.session);
    expect(sub.streams.map((s) => [s.userId, s.publishing])).toEqual([['teacher', true], ['student-1', false]]);
    expect(sub.streams[0].streamId).toBe(pub.streamId);
    expect(sub.streams[0].url).toMatch(/^rtmp:\/\/127\.0\.0\.1:1935\/live\/.+\?sign=/);
    expect(sub.streams[0].urls.flv).toMatch(/^http:\/\/127\.0\.0\.1:8000\/live\/.+\.flv\?sign=/);

    // Audience cannot publish.
    await callOk(student.client, 'setRole', { ...student.session, role: 2 });
    const denied = await call(student.client, 'publish', student.session);
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.error.code).toBe('NOT_ANCHOR');

    // Leave: dequeued from the watch; counts exact.
    expect((await callOk(student.client, 'leaveRoom', student.session)).left).toBe(true);
    await members.until((r) => r.docs.length === 1);
    expect(members.changes.some((c) => c.queueType === 'dequeue' && c.dataType === 'remove')).toBe(true);
    expect(await callOk(teacher.client, 'getRoomMemberCount', teacher.session)).toEqual({
      total: 1,
      broadcasterCount: 1,
      audienceCount: 0,
    });
    // A left session is gone.
    const after = await call(student.client, 'heartbeat', student.session);
    expect(after.ok ? 'ok' : after.error.code).toBe('NOT_IN_ROOM');
  });

  test('lists page through the audience and counts stay exact', async () => {
    const room = 'big-1';
    const roomDoc = watchRoom(room);
    const host = await joinAs(cloud.url, room, 'host', 1);
    const audience = await Promise.all(
      Array.from({ length: 45 }, (_, i) => joinAs(cloud.url, room, `aud-${String(i).padStart(2, '0')}`, 2)),
    );
    expect(await callOk(host.client, 'getRoomMemberCount', host.session)).toEqual({
      total: 46,
      broadcasterCount: 1,
      audienceCount: 45,
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await callOk(host.client, 'getAudienceList', { ...host.session, pageSize: 20, cursor });
      seen.push(...page.members.map((m) => m.userId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(audience.map((a) => a.session.userId).sort());
    const anchors = await callOk(audience[0].client, 'getBroadcasterList', audience[0].session);
    expect(anchors.members.map((m) => m.userId)).toEqual(['host']);
    await roomDoc.until((r) => r.docs[0]?.audienceCount === 45);

    await Promise.all(audience.slice(0, 30).map((a) => callOk(a.client, 'leaveRoom', a.session)));
    expect(await callOk(host.client, 'getRoomMemberCount', host.session)).toEqual({
      total: 16,
      broadcasterCount: 1,
      audienceCount: 15,
    });
    await roomDoc.until((r) => r.docs[0]?.audienceCount === 15);
  });

  test('a client may read rooms and members but never write them, nor read private collections', async () => {
    const room = 'rules-1';
    const a = await joinAs(cloud.url, room, 'alice', 1);
    const db = a.client.database();
    const got = await db.collection(Collections.members).where({ roomKey: roomKeyOf(APP_ID, room) }).get();
    expect(got.data.map((d: Record<string, unknown>) => d.userId)).toEqual(['alice']);
    await expect(
      db.collection(Collections.members).doc(`${roomKeyOf(APP_ID, room)}:alice`).update({ data: { role: 2 } }),
    ).rejects.toMatchObject({ errCode: -502003 });
    await expect(db.collection(Collections.rooms).add({ data: { fake: true } })).rejects.toMatchObject({
      errCode: -502003,
    });
    await expect(db.collection(Collections.presence).where({}).get()).rejects.toMatchObject({ errCode: -502003 });
    await expect(db.collection(Collections.users).where({}).get()).rejects.toMatchObject({ errCode: -502003 });
    const still = await callOk(a.client, 'getBroadcasterList', a.session);
    expect(still.members[0].role).toBe(1);
  });
});

describe('tokens and identity', () => {
  test('an expired token is rejected', async () => {
    const client = createCloudClient({ url: cloud.url, openid: 'openid-exp' });
    const reply = await call(client, 'joinRoom', joinParams('tok-1', 'exp', 2, { timestamp: Date.now() - 1000 }));
    expect(reply.ok ? 'ok' : reply.error.code).toBe('TOKEN_EXPIRED');
  });

  test('a tampered token, or one for other parameters, is rejected', async () => {
    const client = createCloudClient({ url: cloud.url, openid: 'openid-tamper' });
    const params = joinParams('tok-2', 'tamper', 2);
    const flipped = params.token[5] === 'A' ? 'B' : 'A';
    const tampered = { ...params, token: params.token.slice(0, 5) + flipped + params.token.slice(6) };
    const r1 = await call(client, 'joinRoom', tampered);
    expect(r1.ok ? 'ok' : r1.error.code).toBe('TOKEN_INVALID');
    const r2 = await call(client, 'joinRoom', { ...params, userRoomId: 'another-room' });
    expect(r2.ok ? 'ok' : r2.error.code).toBe('TOKEN_INVALID');
    const r3 = await call(client, 'joinRoom', { ...params, timestamp: params.timestamp + 1 });
    expect(r3.ok ? 'ok' : r3.error.code).toBe('TOKEN_INVALID');
  });

  test('a replayed nonce from another caller is rejected; the same caller may rejoin', async () => {
    const params = joinParams('tok-3', 'replay', 2);
    const owner = createCloudClient({ url: cloud.url, openid: 'openid-replay' });
    const first = await callOk(owner, 'joinRoom', params);
    const thief = createCloudClient({ url: cloud.url, openid: 'openid-thief' });
    const stolen = await call(thief, 'joinRoom', params);
    expect(stolen.ok ? 'ok' : stolen.error.code).toBe('TOKEN_REPLAYED');
    const again = await callOk(owner, 'joinRoom', params);
    expect(again.sessionId).not.toBe(first.sessionId);
    // The older session is replaced, not duplicated.
    const old = await call(owner, 'heartbeat', {
      appId: APP_ID,
      userRoomId: 'tok-3',
      userId: 'replay',
      sessionId: first.sessionId,
    });
    expect(old.ok ? 'ok' : old.error.code).toBe('SESSION_REPLACED');
    const count = await callOk(owner, 'getRoomMemberCount', {
      appId: APP_ID,
      userRoomId: 'tok-3',
      userId: 'replay',
      sessionId: again.sessionId,
    });
    expect(count.total).toBe(1);
  });

  test('another OPENID cannot reuse a userId bound to someone else, even with a fresh token', async () => {
    await joinAs(cloud.url, 'tok-4', 'bound-user', 2, 'openid-first');
    const other = createCloudClient({ url: cloud.url, openid: 'openid-second' });
    const reply = await call(other, 'joinRoom', joinParams('tok-4', 'bound-user', 2));
    expect(reply.ok ? 'ok' : reply.error.code).toBe('IDENTITY_MISMATCH');
    const elsewhere = await call(other, 'joinRoom', joinParams('tok-5', 'bound-user', 2));
    expect(elsewhere.ok ? 'ok' : elsewhere.error.code).toBe('IDENTITY_MISMATCH');
  });

  test('issueToken gives the caller a token that joins', async () => {
    const client = createCloudClient({ url: cloud.url, openid: 'openid-issued' });
    const t = await callOk(client, 'issueToken', { appId: APP_ID, userRoomId: 'tok-6', userId: 'issued' });
    const joined = await callOk(client, 'joinRoom', { ...t, role: 2 });
    expect(joined.member.userId).toBe('issued');
  });
});

describe('malformed input', () => {
  test('an unknown action and a non-object payload answer typed errors', async () => {
    const client = createCloudClient({ url: cloud.url, openid: 'openid-bad' });
    const r1 = (await client.callFunction({ name: 'jrtc', data: { action: 'dropDatabase' } })).result as {
      ok: boolean;
      error: { code: string };
    };
    expect(r1).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    const r2 = (await client.callFunction({ name: 'jrtc', data: { action: 'joinRoom', userId: 42 } })).result;
    expect(r2).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const huge = 'x'.repeat(100_000);
    const r3 = (await client.callFunction({ name: 'jrtc', data: { action: 'issueToken', appId: huge } })).result;
    expect(r3).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
