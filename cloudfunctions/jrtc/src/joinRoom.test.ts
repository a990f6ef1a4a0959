import { Collections, ErrorCode, actions } from '../../../shared';
import { joinPhase } from './heartbeatSchedule';
import { APP_ID, codeOf, createTestCloud, joinAs, joinPayload, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

let cloud: TestCloud;
afterEach(async () => {
  await cloud.close();
});

describe('joinRoom', () => {
  beforeEach(async () => {
    cloud = await createTestCloud();
  });

  it('creates the room, the member and its private presence', async () => {
    const first = joinPayload(cloud, 'room-1', 'alice', 1, { nickName: 'Alice' });
    const reply = await cloud.ok('openid-a', 'joinRoom', first);
    expect(actions.joinRoom.response.parse(reply)).toEqual(reply);
    const roomKey = `${APP_ID}:room-1`;
    expect(reply.roomKey).toBe(roomKey);
    expect(reply.sessionId.length).toBeGreaterThanOrEqual(16);
    expect(reply.member).toEqual({
      userId: 'alice',
      nickName: 'Alice',
      peerId: 'alice',
      role: 1,
      stream: { streamId: expect.stringMatching(/^room-1_alice_[0-9a-f]+$/), publishing: false, muted: false },
      joinedAt: cloud.clock.now(),
      version: 1,
    });
    expect(reply.room).toEqual({
      roomKey,
      appId: APP_ID,
      userRoomId: 'room-1',
      ownerUserId: 'alice',
      stagePolicy: 'open',
      broadcasterCount: 1,
      audienceCount: 0,
      version: 1,
    });
    expect(reply.heartbeatIntervalMs).toBe(30_000);
    expect(reply.leaseMs).toBe(40_000);
    expect(reply.nextHeartbeatInMs).toBeGreaterThan(0);
    expect(reply.nextHeartbeatInMs).toBeLessThanOrEqual(35_000);

    const snap = await cloud.snapshot();
    // The public member document holds exactly the public fields plus roomKey: no OPENID, no session.
    expect(Object.keys(snap[Collections.members][0]).sort()).toEqual(
      ['_id', 'roomKey', 'userId', 'nickName', 'peerId', 'role', 'stream', 'joinedAt', 'version'].sort(),
    );
    expect(JSON.stringify(snap[Collections.members])).not.toContain('openid-a');
    expect(JSON.stringify(snap[Collections.members])).not.toContain(reply.sessionId);
    expect(JSON.stringify(snap[Collections.rooms])).not.toContain('openid-a');
    expect(snap[Collections.presence]).toEqual([
      expect.objectContaining({ _id: `${roomKey}:alice`, openid: 'openid-a', sessionId: reply.sessionId }),
    ]);
    // One private record of the user: its binding and the consumed nonce, no kicks.
    expect(snap[Collections.users]).toEqual([
      {
        _id: `${APP_ID}:alice`,
        openid: 'openid-a',
        nonces: [{ id: `${APP_ID}:${first.nonce}`, openid: 'openid-a', roomKey, expiresAt: first.timestamp }],
        bans: [],
        updatedAt: cloud.clock.now(),
      },
    ]);
  });

  it('counts anchors and audience and staggers heartbeat phases by join order and session', async () => {
    const sessions = [
      (await joinAs(cloud, 'o-a', 'room-1', 'a', 1)).reply.sessionId,
      (await joinAs(cloud, 'o-b', 'room-1', 'b', 2)).reply.sessionId,
    ];
    const { reply } = await joinAs(cloud, 'o-c', 'room-1', 'c', 2);
    sessions.push(reply.sessionId);
    expect(reply.room).toMatchObject({ broadcasterCount: 1, audienceCount: 2, ownerUserId: 'a' });
    const presence = (await cloud.snapshot())[Collections.presence];
    // The n-th join read joinSeq n; its session id moves it along the sequence.
    expect(presence.map((p) => p.phaseMs)).toEqual(sessions.map((s, n) => joinPhase(n, s, 30_000)));
    expect(new Set(presence.map((p) => p.phaseMs)).size).toBe(3);
  });

  it('lets the same caller rejoin with the same token: one member, a new session, the old one replaced', async () => {
    const payload = joinPayload(cloud, 'room-1', 'alice', 2, { nickName: 'A' });
    const first = await cloud.ok('openid-a', 'joinRoom', payload);
    const second = await cloud.ok('openid-a', 'joinRoom', { ...payload, role: 1, nickName: 'A2' });
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.member).toMatchObject({ role: 1, nickName: 'A2', joinedAt: first.member.joinedAt, version: 2 });
    expect(second.room).toMatchObject({ broadcasterCount: 1, audienceCount: 0 });
    const snap = await cloud.snapshot();
    expect(snap[Collections.members]).toHaveLength(1);
    expect(snap[Collections.presence]).toHaveLength(1);

    const old = { appId: APP_ID, userRoomId: 'room-1', userId: 'alice', sessionId: first.sessionId };
    expect(codeOf(await cloud.call('openid-a', 'heartbeat', old))).toBe(ErrorCode.SESSION_REPLACED);
    expect((await cloud.call('openid-a', 'heartbeat', { ...old, sessionId: second.sessionId })).ok).toBe(true);
  });

  it('does not rewrite the room on a rejoin that changes no count', async () => {
    const payload = joinPayload(cloud, 'room-1', 'alice', 2);
    await cloud.ok('openid-a', 'joinRoom', payload);
    const before = (await cloud.snapshot())[Collections.rooms];
    await cloud.ok('openid-a', 'joinRoom', payload);
    expect((await cloud.snapshot())[Collections.rooms]).toEqual(before);
  });

  it('resets publishing on a rejoin: the new session has no pusher yet', async () => {
    const { session } = await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1);
    await cloud.ok('openid-a', 'publish', session);
    const again = await cloud.ok('openid-a', 'joinRoom', joinPayload(cloud, 'room-1', 'alice', 1));
    expect(again.member.stream.publishing).toBe(false);
  });

  describe('refusals write nothing', () => {
    async function expectRefused(openid: string, event: unknown, code: string): Promise<void> {
      const before = await cloud.snapshot();
      const reply = await cloud.raw(openid, event);
      expect(codeOf(reply)).toBe(code);
      expect(await cloud.snapshot()).toEqual(before);
    }

    beforeEach(async () => {
      await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1);
    });

    it('APP_UNKNOWN for an appId without a key', async () => {
      const p = joinPayload(cloud, 'room-1', 'bob', 2);
      await expectRefused('openid-b', { action: 'joinRoom', ...p, appId: 'nope' }, ErrorCode.APP_UNKNOWN);
    });

    it('TOKEN_INVALID for a tampered token, another room, another user, another nonce or timestamp', async () => {
      const p = joinPayload(cloud, 'room-1', 'bob', 2);
      const flipped = p.token.slice(0, -2) + (p.token.endsWith('A_') ? 'B_' : 'A_');
      for (const bad of [
        { ...p, token: flipped },
        { ...p, userRoomId: 'room-2' },
        { ...p, userId: 'carol' },
        { ...p, nonce: `${p.nonce}x` },
        { ...p, timestamp: p.timestamp + 1 },
        { ...p, appId: 'app-2' },
        { ...tokenFields(cloud.clock.now(), 'room-1', 'bob', { appKey: 'wrong-key' }), role: 2 as const },
      ]) {
        await expectRefused('openid-b', { action: 'joinRoom', ...bad }, ErrorCode.TOKEN_INVALID);
      }
    });

    it('TOKEN_EXPIRED once the token timestamp has passed', async () => {
      const p = joinPayload(cloud, 'room-1', 'bob', 2);
      cloud.clock.advance(3_600_001);
      await expectRefused('openid-b', { action: 'joinRoom', ...p }, ErrorCode.TOKEN_EXPIRED);
    });

    it('TOKEN_REPLAYED when another caller presents a used token', async () => {
      const p = joinPayload(cloud, 'room-1', 'bob', 2);
      await cloud.ok('openid-b', 'joinRoom', p);
      await expectRefused('openid-evil', { action: 'joinRoom', ...p }, ErrorCode.TOKEN_REPLAYED);
    });

    it('IDENTITY_MISMATCH when the userId is bound to another OPENID', async () => {
      await expectRefused('openid-evil', { action: 'joinRoom', ...joinPayload(cloud, 'room-2', 'alice', 2) }, ErrorCode.IDENTITY_MISMATCH);
    });

    it('ROLE_FORBIDDEN for a non-owner taking the stage of an invite room', async () => {
      await cloud.close();
      cloud = await createTestCloud({ JRTC_DEFAULT_STAGE_POLICY: 'invite' });
      const owner = await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1);
      expect(owner.reply.room.stagePolicy).toBe('invite');
      await expectRefused('openid-b', { action: 'joinRoom', ...joinPayload(cloud, 'room-1', 'bob', 1) }, ErrorCode.ROLE_FORBIDDEN);
      expect((await cloud.call('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 2))).ok).toBe(true);
    });

    it('CONFIG_ERROR when no app is configured', async () => {
      await cloud.close();
      cloud = await createTestCloud({ JRTC_APPS: undefined });
      await expectRefused('openid-a', { action: 'joinRoom', ...joinPayload(cloud, 'room-1', 'alice', 1) }, ErrorCode.CONFIG_ERROR);
    });
  });

  it('with binding off, another OPENID may take the userId, replacing the older session', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_BIND_USER_TO_OPENID: 'false' });
    const first = await joinAs(cloud, 'openid-a', 'room-1', 'alice', 2);
    const second = await joinAs(cloud, 'openid-b', 'room-1', 'alice', 2);
    // No binding: the record holds the nonces only, and the sweep may drop it once they expire.
    const record = await cloud.userRecord('alice');
    expect(record).not.toHaveProperty('openid');
    expect(record?.nonces).toHaveLength(2);
    expect(record?.purgeAt).toBe(Math.max(...(record?.nonces as { expiresAt: number }[]).map((n) => n.expiresAt)));
    expect(codeOf(await cloud.call('openid-a', 'heartbeat', first.session))).toBe(ErrorCode.SESSION_REPLACED);
    expect(codeOf(await cloud.call('openid-a', 'heartbeat', second.session))).toBe(ErrorCode.IDENTITY_MISMATCH);
  });
});
