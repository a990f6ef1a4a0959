import { Collections, ErrorCode, actions } from '../../../shared';
import { APP_ID, codeOf, createTestCloud, joinPayload, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let bob: Session;
let joinedAt: number;
const TTL = 20_000; // shorter than the 40 s lease, so expiry shows before any sweep

beforeEach(async () => {
  cloud = await createTestCloud({ JRTC_KICK_BAN_SECONDS: '0' });
  await cloud.ok('openid-a', 'joinRoom', joinPayload(cloud, 'room-1', 'alice', 1));
  joinedAt = cloud.clock.now();
  const reply = await cloud.ok('openid-b', 'joinRoom', { ...tokenFields(joinedAt, 'room-1', 'bob', { ttlMs: TTL }), role: 2 });
  bob = { appId: APP_ID, userRoomId: 'room-1', userId: 'bob', sessionId: reply.sessionId };
});
afterEach(async () => {
  await cloud.close();
});

function renewal(ttlMs: number, options: { userId?: string; userRoomId?: string; nonce?: string } = {}) {
  const t = tokenFields(cloud.clock.now(), options.userRoomId ?? 'room-1', options.userId ?? 'bob', { ttlMs, nonce: options.nonce });
  return { ...bob, token: t.token, nonce: t.nonce, timestamp: t.timestamp };
}

describe('token expiry and renewToken', () => {
  it('heartbeats report the token expiry; a beat after it ends the session with TOKEN_EXPIRED', async () => {
    const beat = await cloud.ok('openid-b', 'heartbeat', bob);
    expect(actions.heartbeat.response.parse(beat)).toEqual(beat);
    expect(beat.tokenExpiresAt).toBe(joinedAt + TTL);
    cloud.clock.advance(TTL); // valid up to and including its timestamp
    await cloud.ok('openid-b', 'heartbeat', bob);
    cloud.clock.advance(1);
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.TOKEN_EXPIRED);
    const snap = await cloud.snapshot();
    expect(snap[Collections.members].map((m) => m.userId)).toEqual(['alice']);
    expect(snap[Collections.presence].map((m) => m.userId)).toEqual(['alice']);
    expect(snap[Collections.rooms][0]).toMatchObject({ broadcasterCount: 1, audienceCount: 0 });
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.NOT_IN_ROOM);
  });

  it('renewToken extends the session past the old expiry', async () => {
    cloud.clock.advance(10_000);
    const next = renewal(3_600_000);
    const reply = await cloud.ok('openid-b', 'renewToken', next);
    expect(actions.renewToken.response.parse(reply)).toEqual(reply);
    expect(reply).toEqual({ tokenExpiresAt: next.timestamp });
    expect(await cloud.ok('openid-b', 'renewToken', next)).toEqual(reply); // the same token again is fine
    cloud.clock.advance(TTL);
    expect((await cloud.ok('openid-b', 'heartbeat', bob)).tokenExpiresAt).toBe(next.timestamp);
    const presence = (await cloud.snapshot())[Collections.presence].find((p) => p.userId === 'bob');
    expect(presence).toMatchObject({ nonceId: `${APP_ID}:${next.nonce}`, tokenExpiresAt: next.timestamp });
  });

  it('refuses a bad token with the joinRoom codes and changes nothing', async () => {
    const before = await cloud.snapshot();
    const code = async (openid: string, payload: ReturnType<typeof renewal>) => codeOf(await cloud.call(openid, 'renewToken', payload));
    expect(await code('openid-b', { ...renewal(60_000), token: renewal(60_000).token })).toBe(ErrorCode.TOKEN_INVALID);
    expect(await code('openid-b', { ...renewal(60_000, { userId: 'alice' }), userId: 'bob' })).toBe(ErrorCode.TOKEN_INVALID);
    expect(await code('openid-b', { ...renewal(60_000, { userRoomId: 'room-2' }), userRoomId: 'room-1' })).toBe(ErrorCode.TOKEN_INVALID);
    expect(await code('openid-b', renewal(-1))).toBe(ErrorCode.TOKEN_EXPIRED);
    expect(await code('openid-b', { ...renewal(60_000), appId: 'app-x' })).toBe(ErrorCode.APP_UNKNOWN);
    expect(await cloud.snapshot()).toEqual(before);
    // A nonce bob's token for another room used is a replay here: a nonce names one token of its user.
    const used = joinPayload(cloud, 'room-2', 'bob', 2);
    await cloud.ok('openid-b', 'joinRoom', used);
    const afterUse = await cloud.snapshot();
    const replayed = renewal(3_600_000, { nonce: used.nonce });
    expect(await code('openid-b', replayed)).toBe(ErrorCode.TOKEN_REPLAYED);
    expect(await cloud.snapshot()).toEqual(afterUse);
    // Nonces are per user: the same nonce in a token for another user is another token (every token
    // signs its userId, and only the deployer's key signs), so it is no replay.
    const carols = { ...tokenFields(cloud.clock.now(), 'room-1', 'carol', { nonce: used.nonce }), role: 2 as const };
    expect(codeOf(await cloud.call('openid-c', 'joinRoom', carols))).toBeUndefined();
  });

  it('refuses a token a kick revoked (TOKEN_REVOKED)', async () => {
    const alice = (await cloud.snapshot())[Collections.presence].find((p) => p.userId === 'alice') as Record<string, string>;
    const aliceSession = { appId: APP_ID, userRoomId: 'room-1', userId: 'alice', sessionId: alice.sessionId };
    const token = renewal(3_600_000);
    await cloud.ok('openid-b', 'renewToken', token);
    await cloud.ok('openid-a', 'kick', { ...aliceSession, targetUserId: 'bob' });
    // No ban here (JRTC_KICK_BAN_SECONDS=0): bob is back with a fresh token, but the kicked one stays revoked.
    const back = await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 2));
    bob = { ...bob, sessionId: back.sessionId };
    expect(codeOf(await cloud.call('openid-b', 'renewToken', { ...token, sessionId: back.sessionId }))).toBe(ErrorCode.TOKEN_REVOKED);
  });

  it('a session whose token already expired cannot be renewed: it ends', async () => {
    cloud.clock.advance(TTL + 1);
    expect(codeOf(await cloud.call('openid-b', 'renewToken', renewal(3_600_000)))).toBe(ErrorCode.TOKEN_EXPIRED);
    expect((await cloud.snapshot())[Collections.members].map((m) => m.userId)).toEqual(['alice']);
  });
});
