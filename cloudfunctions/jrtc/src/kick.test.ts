import { Collections, ErrorCode, actions } from '../../../shared';
import { sweepAll } from './sweep';
import { APP_ID, codeOf, createTestCloud, joinAs, joinPayload, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let alice: Session; // the owner
let bob: Session;
let bobJoin: ReturnType<typeof joinPayload>;

async function setup(env: Record<string, string> = {}): Promise<void> {
  cloud = await createTestCloud(env);
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  await joinAs(cloud, 'openid-c', 'room-1', 'carol', 2);
  bobJoin = joinPayload(cloud, 'room-1', 'bob', 1);
  const reply = await cloud.ok('openid-b', 'joinRoom', bobJoin);
  bob = { appId: APP_ID, userRoomId: 'room-1', userId: 'bob', sessionId: reply.sessionId };
}

afterEach(async () => {
  await cloud.close();
});

describe('kick', () => {
  beforeEach(() => setup());

  it('removes the member with exact counts, revokes its token, bans it and tells it', async () => {
    const reply = await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob', reason: 'spam' });
    expect(actions.kick.response.parse(reply)).toEqual(reply);
    expect(reply).toEqual({ userId: 'bob', bannedUntil: cloud.clock.now() + 600_000 });

    const snap = await cloud.snapshot();
    expect(snap[Collections.members].map((m) => m.userId).sort()).toEqual(['alice', 'carol']);
    expect(snap[Collections.presence].map((m) => m.userId).sort()).toEqual(['alice', 'carol']);
    expect(snap[Collections.rooms][0]).toMatchObject({ broadcasterCount: 1, audienceCount: 1 });
    const record = snap[Collections.users].find((u) => u._id === `${APP_ID}:bob`);
    expect(record?.bans).toEqual([
      expect.objectContaining({
        roomKey: `${APP_ID}:room-1`,
        sessionId: bob.sessionId,
        nonceId: `${APP_ID}:${bobJoin.nonce}`,
        reason: 'spam',
        kickedBy: 'alice',
        bannedUntil: reply.bannedUntil,
        expiresAt: bobJoin.timestamp, // the token outlives the ban
      }),
    ]);
    expect(record?.nonces).toEqual([expect.objectContaining({ id: `${APP_ID}:${bobJoin.nonce}`, revoked: true })]);
    expect(snap[Collections.signals]).toEqual([
      expect.objectContaining({
        to: 'bob',
        _openid: 'openid-b',
        type: 'jrtc.kicked',
        payloadJson: JSON.stringify({ reason: 'spam', bannedUntil: reply.bannedUntil }),
      }),
    ]);

    // The kicked session learns that it was kicked, not merely that it is out.
    const beat = await cloud.call('openid-b', 'heartbeat', bob);
    expect(beat).toMatchObject({ ok: false, error: { code: ErrorCode.KICKED, details: { reason: 'spam', bannedUntil: reply.bannedUntil } } });
    expect(codeOf(await cloud.call('openid-b', 'raiseHand', bob))).toBe(ErrorCode.KICKED);
    expect(await cloud.ok('openid-b', 'leaveRoom', bob)).toEqual({ left: false });
  });

  it('the kicked token never rejoins (TOKEN_REVOKED); any token of the user is KICKED until the ban ends', async () => {
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-b', 'joinRoom', bobJoin))).toBe(ErrorCode.TOKEN_REVOKED);
    const fresh = await cloud.call('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 2));
    expect(fresh).toMatchObject({ ok: false, error: { code: ErrorCode.KICKED, details: { reason: null } } });
    expect(await cloud.snapshot()).toEqual(before);
    // Another room is not affected.
    await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-2', 'bob', 2));

    cloud.clock.advance(599_999);
    expect(codeOf(await cloud.call('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 2)))).toBe(ErrorCode.KICKED);
    cloud.clock.advance(1);
    const back = await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 2));
    expect(back.member.userId).toBe('bob');
    // The kicked token stays revoked while it lives.
    expect(codeOf(await cloud.call('openid-b', 'joinRoom', bobJoin))).toBe(ErrorCode.TOKEN_REVOKED);
  });

  it('the ban holds for the kicked WeChat user under any other userId until it ends; other users are not affected', async () => {
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    const before = await cloud.snapshot();
    // The same phone (openid-b) asking as a fresh userId is still kicked from this room...
    const disguised = await cloud.call('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob-2', 2));
    expect(codeOf(disguised)).toBe(ErrorCode.KICKED);
    expect(await cloud.snapshot()).toEqual(before);
    // ...but not from another room, and another phone may use that userId.
    await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-2', 'bob-2', 2));
    await cloud.ok('openid-d', 'joinRoom', joinPayload(cloud, 'room-1', 'dave', 2));
    cloud.clock.advance(600_000);
    expect((await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob-3', 2))).member.userId).toBe('bob-3');
  });

  it('revokes the token the session renewed to', async () => {
    const renewed = tokenFields(cloud.clock.now(), 'room-1', 'bob', { ttlMs: 7_200_000 });
    await cloud.ok('openid-b', 'renewToken', { ...bob, token: renewed.token, nonce: renewed.nonce, timestamp: renewed.timestamp });
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    const record = await cloud.userRecord('bob');
    expect(record?.bans).toEqual([expect.objectContaining({ nonceId: `${APP_ID}:${renewed.nonce}`, expiresAt: renewed.timestamp })]);
    // Both tokens' nonces are kept; the renewed one, which the session held, is the revoked one.
    expect(record?.nonces).toEqual([
      expect.objectContaining({ id: `${APP_ID}:${bobJoin.nonce}` }),
      expect.objectContaining({ id: `${APP_ID}:${renewed.nonce}`, revoked: true }),
    ]);
    expect(codeOf(await cloud.call('openid-b', 'joinRoom', bobJoin))).toBe(ErrorCode.KICKED);
    expect(codeOf(await cloud.call('openid-b', 'joinRoom', { ...renewed, role: 2 }))).toBe(ErrorCode.TOKEN_REVOKED);
  });

  it('refuses to kick the owner itself, and changes nothing', async () => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-a', 'kick', { ...alice, targetUserId: 'alice' }))).toBe(ErrorCode.BAD_REQUEST);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('the kick record lasts until both the ban and the kicked token have ended, then goes with the next write', async () => {
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    cloud.clock.advance(600_001);
    // The jrtc.kicked signal is long gone (60 s); the kicked token lives on (1 h), so the record stays.
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedUsers: 0, removedSignals: 1 });
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.KICKED);
    cloud.clock.advance(3_600_000);
    // A binding keeps the user record; the kick no longer speaks for the old session. The caller
    // record (bob's WeChat user's kick under any userId) binds nothing and goes.
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedUsers: 1, removedSignals: 0 });
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.NOT_IN_ROOM);
    const back = joinPayload(cloud, 'room-1', 'bob', 2);
    await cloud.ok('openid-b', 'joinRoom', back);
    expect(await cloud.userRecord('bob')).toMatchObject({
      bans: [],
      nonces: [expect.objectContaining({ id: `${APP_ID}:${back.nonce}` })],
    });
  });

  it('with binding off, the sweep deletes a kicked user record once nothing in it lives', async () => {
    await cloud.close();
    await setup({ JRTC_BIND_USER_TO_OPENID: 'false' });
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    cloud.clock.advance(600_001);
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedUsers: 0 });
    cloud.clock.advance(3_600_000);
    // alice's and carol's records (their tokens ended too), bob's, and his caller record.
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedUsers: 4 });
    expect((await cloud.snapshot())[Collections.users]).toEqual([]);
  });
});
