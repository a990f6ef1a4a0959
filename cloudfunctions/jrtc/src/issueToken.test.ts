import { ErrorCode, ProtocolError, actions } from '../../../shared';
import { verifyToken } from '../../../shared/token';
import { handle } from './router';
import { APP_ID, APP_KEY, callerOf, codeOf, createTestCloud, joinAs } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

let cloud: TestCloud;
afterEach(async () => {
  await cloud.close();
});

describe('issueToken', () => {
  beforeEach(async () => {
    cloud = await createTestCloud();
  });

  it('issues a token that verifies and that joinRoom accepts', async () => {
    const t = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'room-1', userId: 'alice' });
    expect(actions.issueToken.response.parse(t)).toEqual(t);
    expect(t.timestamp).toBe(cloud.clock.now() + 3_600_000);
    expect(t.nonce).toMatch(/^AK-[0-9a-f]{32}$/);
    expect(verifyToken({ appId: APP_ID, appKey: APP_KEY, roomId: 'room-1', userId: 'alice', timestamp: t.timestamp, nonce: t.nonce }, t.token)).toBe(true);
    const joined = await cloud.ok('openid-a', 'joinRoom', { ...t, role: 1 });
    expect(joined.tokenExpiresAt).toBe(t.timestamp);
  });

  it('honours ttlSeconds and mints a fresh nonce each time', async () => {
    const a = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 60 });
    const b = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 60 });
    expect(a.timestamp).toBe(cloud.clock.now() + 60_000);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('caps the lifetime at JRTC_TOKEN_TTL_SECONDS: a client may ask for less, never more (POLICY_DENIED, nothing written)', async () => {
    const before = await cloud.snapshot();
    const longer = await cloud.call('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 7 * 24 * 3600, owner: true });
    expect(codeOf(longer)).toBe(ErrorCode.POLICY_DENIED);
    expect(codeOf(await cloud.call('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 3601 }))).toBe(ErrorCode.POLICY_DENIED);
    expect(await cloud.snapshot()).toEqual(before);
    const atCap = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 3600 });
    expect(atCap.timestamp).toBe(cloud.clock.now() + 3_600_000);
    await cloud.close();
    cloud = await createTestCloud({ JRTC_TOKEN_TTL_SECONDS: String(24 * 3600) });
    const day = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u', ttlSeconds: 24 * 3600 });
    expect(day.timestamp).toBe(cloud.clock.now() + 24 * 3_600_000);
  });

  it('owner grants: none by default (POLICY_DENIED, nothing written), the listed OPENIDs with allow:, anyone only with any', async () => {
    const ask = (openid: string) => cloud.call(openid, 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: `u-${openid}`, owner: true });
    const before = await cloud.snapshot();
    expect(codeOf(await ask('openid-a'))).toBe(ErrorCode.POLICY_DENIED);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await cloud.call('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u' })).ok).toBe(true);
    await cloud.close();
    cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'allow:openid-t,openid-h' });
    expect((await ask('openid-t')).ok).toBe(true);
    expect((await ask('openid-h')).ok).toBe(true);
    expect(codeOf(await ask('openid-a'))).toBe(ErrorCode.POLICY_DENIED);
    await cloud.close();
    cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'any' });
    expect((await ask('openid-a')).ok).toBe(true);
    await cloud.close();
    await expect(createTestCloud({ JRTC_OWNER_GRANTS: 'everyone' })).rejects.toMatchObject({ code: ErrorCode.CONFIG_ERROR });
    cloud = await createTestCloud();
  });

  it('JRTC_USER_IDS=caller (shipped): a caller gets its own userId, or one bound to it; never one it merely names, so nobody squats "teacher"', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_USER_IDS: 'caller' });
    // userId omitted: the caller's own, derived from its OPENID (stable, different per caller, not the OPENID).
    const mine = await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r' });
    expect(mine.userId).toMatch(/^wx_[A-Za-z0-9_-]{22}$/);
    expect((await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r2' })).userId).toBe(mine.userId);
    const theirs = await cloud.ok('openid-b', 'issueToken', { appId: APP_ID, userRoomId: 'r' });
    expect(theirs.userId).not.toBe(mine.userId);
    expect(mine.userId).not.toContain('openid-a');
    // Asking for it by name works too; a name that is not yours is refused and writes nothing.
    expect((await cloud.ok('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: mine.userId })).userId).toBe(mine.userId);
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', userId: 'teacher' }))).toBe(ErrorCode.POLICY_DENIED);
    expect(codeOf(await cloud.call('openid-b', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: mine.userId }))).toBe(ErrorCode.POLICY_DENIED);
    expect(await cloud.snapshot()).toEqual(before);
    // A userId bound to the caller (here by a join with a token from the deployer's own server) is served.
    await joinAs(cloud, 'openid-t', 'class', 'teacher', 1);
    expect((await cloud.ok('openid-t', 'issueToken', { appId: APP_ID, userRoomId: 'class', userId: 'teacher' })).userId).toBe('teacher');
    expect(codeOf(await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', userId: 'teacher' }))).toBe(ErrorCode.POLICY_DENIED);
    // The own userId's token joins.
    expect((await cloud.ok('openid-a', 'joinRoom', { ...mine, role: 2 })).member.userId).toBe(mine.userId);
  });

  it('refuses a userId bound to another OPENID (IDENTITY_MISMATCH) and an unknown app (APP_UNKNOWN)', async () => {
    await joinAs(cloud, 'openid-a', 'room-1', 'alice', 2);
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-b', 'issueToken', { appId: APP_ID, userRoomId: 'x', userId: 'alice' }))).toBe(ErrorCode.IDENTITY_MISMATCH);
    expect(codeOf(await cloud.call('openid-b', 'issueToken', { appId: 'nope', userRoomId: 'x', userId: 'bob' }))).toBe(ErrorCode.APP_UNKNOWN);
    expect((await cloud.call('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'x', userId: 'alice' })).ok).toBe(true);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('JRTC_ISSUE_POLICY=off: POLICY_DENIED', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_ISSUE_POLICY: 'off' });
    expect(codeOf(await cloud.call('openid-a', 'issueToken', { appId: APP_ID, userRoomId: 'r', userId: 'u' }))).toBe(ErrorCode.POLICY_DENIED);
  });

  it('asks the deployer policy: false is POLICY_DENIED, a thrown ProtocolError keeps its code', async () => {
    const seen: unknown[] = [];
    const deps = {
      ...cloud.deps,
      policy: async (request: { userId: string; userRoomId: string; ttlSeconds: number; caller: { OPENID: string } }) => {
        seen.push({ userId: request.userId, room: request.userRoomId, ttl: request.ttlSeconds, openid: request.caller.OPENID });
        if (request.userId === 'teacher') throw new ProtocolError(ErrorCode.NOT_OWNER, 'teachers are appointed');
        return request.userRoomId === 'open-room';
      },
    };
    const ask = (userRoomId: string, userId: string) =>
      handle({ action: 'issueToken', appId: APP_ID, userRoomId, userId }, callerOf('openid-a'), deps);
    expect((await ask('open-room', 'u')).ok).toBe(true);
    expect(codeOf(await ask('closed-room', 'u'))).toBe(ErrorCode.POLICY_DENIED);
    expect(codeOf(await ask('open-room', 'teacher'))).toBe(ErrorCode.NOT_OWNER);
    expect(seen[0]).toEqual({ userId: 'u', room: 'open-room', ttl: 3600, openid: 'openid-a' });
  });
});
