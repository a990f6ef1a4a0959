import { Collections, ErrorCode, actions } from '../../../shared';
import { verifyNmsSign, verifyTencentTxSecret } from '../../../shared/signers';
import { codeOf, createTestCloud, joinAs, tokenFields } from '../../../tests/helpers/coreTestkit';
import { LEASE_GRACE_MS } from './heartbeatSchedule';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';
import type { Database, DbQuery } from '../../../shared/ports';

let cloud: TestCloud;
afterEach(async () => {
  await cloud.close();
});

/**
 * Runs `race` once, between the heartbeat's session read and its conditioned presence update: the
 * window the handler's `where({_id, sessionId, expiresAt}).update` closes without a transaction.
 * The real database is put back before `race` runs, so the race's own calls are not intercepted.
 */
function raceBeforePresenceUpdate(cloud: TestCloud, race: () => Promise<void>): void {
  const real: Database = cloud.deps.db;
  const wrapQuery = (q: DbQuery): DbQuery =>
    new Proxy(q, {
      get(target, key, receiver) {
        if (key === 'where') return (c: Record<string, unknown>) => wrapQuery(target.where(c));
        if (key === 'update') {
          return async (options: { data: Record<string, unknown> }) => {
            cloud.deps.db = real;
            await race();
            return target.update(options);
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  cloud.deps.db = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'collection') {
        return (name: string) => {
          const c = target.collection(name);
          if (name !== Collections.presence) return c;
          return new Proxy(c, {
            get(ct, ck, cr) {
              if (ck === 'where') return (cond: Record<string, unknown>) => wrapQuery(ct.where(cond));
              return Reflect.get(ct, ck, cr) as unknown;
            },
          });
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

describe('session checks (shared by every action after joinRoom)', () => {
  let alice: Session;
  beforeEach(async () => {
    cloud = await createTestCloud();
    alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  });

  const sessionActions = [
    'leaveRoom',
    'setRole',
    'publish',
    'unpublish',
    'subscribe',
    'heartbeat',
    'getBroadcasterList',
    'getAudienceList',
    'getRoomMemberCount',
  ] as const;

  it.each(sessionActions)('%s: NOT_IN_ROOM / SESSION_REPLACED / IDENTITY_MISMATCH, and nothing changes', async (action) => {
    const extra = action === 'setRole' ? { role: 2 } : {};
    const before = await cloud.snapshot();
    const expectCode = async (openid: string, session: Session, code: string) => {
      const reply = await cloud.raw(openid, { action, ...session, ...extra });
      // leaveRoom is idempotent: "already out" is a successful {left: false}.
      if (action === 'leaveRoom' && code !== ErrorCode.IDENTITY_MISMATCH) expect(reply).toEqual({ ok: true, data: { left: false } });
      else expect(codeOf(reply)).toBe(code);
    };
    await expectCode('openid-a', { ...alice, userRoomId: 'room-2' }, ErrorCode.NOT_IN_ROOM);
    await expectCode('openid-a', { ...alice, userId: 'bob' }, ErrorCode.NOT_IN_ROOM);
    await expectCode('openid-a', { ...alice, sessionId: 'not-the-session' }, ErrorCode.SESSION_REPLACED);
    await expectCode('openid-evil', alice, ErrorCode.IDENTITY_MISMATCH);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it.each(sessionActions)('%s: NOT_IN_ROOM once the lease has run out, even before a sweep', async (action) => {
    const extra = action === 'setRole' ? { role: 2 } : {};
    cloud.clock.advance(40_001);
    const reply = await cloud.raw('openid-a', { action, ...alice, ...extra });
    if (action === 'leaveRoom') expect(reply).toEqual({ ok: true, data: { left: false } });
    else expect(codeOf(reply)).toBe(ErrorCode.NOT_IN_ROOM);
  });
});

describe('actions', () => {
  let alice: Session;
  let bob: Session;
  beforeEach(async () => {
    cloud = await createTestCloud();
    alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
    bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
  });

  it('leaveRoom removes member, presence and count; a second leave is {left: false}', async () => {
    expect(await cloud.ok('openid-b', 'leaveRoom', bob)).toEqual({ left: true });
    expect(await cloud.ok('openid-b', 'leaveRoom', bob)).toEqual({ left: false });
    const snap = await cloud.snapshot();
    expect(snap[Collections.members].map((m) => m.userId)).toEqual(['alice']);
    expect(snap[Collections.presence].map((m) => m.userId)).toEqual(['alice']);
    expect(await cloud.ok('openid-a', 'getRoomMemberCount', alice)).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });
  });

  it('setRole moves counts; demotion stops publishing; the same role changes nothing', async () => {
    await cloud.ok('openid-a', 'publish', alice);
    const down = await cloud.ok('openid-a', 'setRole', { ...alice, role: 2 });
    expect(actions.setRole.response.parse(down)).toEqual(down);
    expect(down.member).toMatchObject({ role: 2, stream: { publishing: false } });
    expect(await cloud.ok('openid-a', 'getRoomMemberCount', alice)).toEqual({ total: 2, broadcasterCount: 0, audienceCount: 2 });
    const before = await cloud.snapshot();
    expect((await cloud.ok('openid-a', 'setRole', { ...alice, role: 2 })).member).toEqual(down.member);
    expect(await cloud.snapshot()).toEqual(before);
    const up = await cloud.ok('openid-b', 'setRole', { ...bob, role: 1 });
    expect(up.member.role).toBe(1);
    expect(await cloud.ok('openid-b', 'getRoomMemberCount', bob)).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
  });

  it('setRole: ROLE_FORBIDDEN for a non-owner in an invite room; the owner may', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_DEFAULT_STAGE_POLICY: 'invite' });
    alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 2)).session;
    bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-b', 'setRole', { ...bob, role: 1 }))).toBe(ErrorCode.ROLE_FORBIDDEN);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await cloud.ok('openid-a', 'setRole', { ...alice, role: 1 })).member.role).toBe(1);
  });

  it('publish signs a push URL for the default or an allowed domain; unpublish stops', async () => {
    const pub = await cloud.ok('openid-a', 'publish', alice);
    expect(actions.publish.response.parse(pub)).toEqual(pub);
    expect(pub.streamId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pub.member.stream).toEqual({ streamId: pub.streamId, publishing: true, muted: false });
    expect(pub.expiresAt).toBe(cloud.clock.now() + 600_000);
    const url = new URL(pub.pushUrl);
    expect(url.protocol).toBe('rtmp:');
    expect(url.host).toBe('push.example.com');
    expect(url.pathname).toBe(`/live/${pub.streamId}`);
    // The default provider is node-media-server; its own check accepts our signature.
    const sign = url.searchParams.get('sign') ?? '';
    expect(verifyNmsSign(url.pathname, sign, 'push-key', cloud.clock.now() / 1000)).toBe(true);
    expect(verifyNmsSign(url.pathname, sign, 'push-key', cloud.clock.now() / 1000 + 601)).toBe(false);

    const again = await cloud.ok('openid-a', 'publish', { ...alice, pushDomain: 'PUSH2.example.com' });
    expect(new URL(again.pushUrl).host).toBe('push2.example.com');
    expect(again.member.version).toBe(pub.member.version);

    const un = await cloud.ok('openid-a', 'unpublish', alice);
    expect(un.member.stream.publishing).toBe(false);
    expect((await cloud.ok('openid-a', 'unpublish', alice)).member).toEqual(un.member);
  });

  it('publish: NOT_ANCHOR for the audience, DOMAIN_NOT_ALLOWED for foreign hosts, CONFIG_ERROR without domains; nothing changes', async () => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-b', 'publish', bob))).toBe(ErrorCode.NOT_ANCHOR);
    expect(codeOf(await cloud.call('openid-a', 'publish', { ...alice, pushDomain: 'evil.example.com' }))).toBe(ErrorCode.DOMAIN_NOT_ALLOWED);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('publish / subscribe: CONFIG_ERROR when domains or keys are missing', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_PUSH_DOMAINS: undefined, JRTC_PULL_KEY: undefined, JRTC_PUSH_KEY: undefined });
    alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-a', 'publish', alice))).toBe(ErrorCode.CONFIG_ERROR);
    expect(codeOf(await cloud.call('openid-a', 'subscribe', alice))).toBe(ErrorCode.CONFIG_ERROR);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('subscribe lists the anchors on stage with signed pull URLs, publishing or not, optionally only the named ones', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_MEDIA_PROVIDER: 'tencent-css' });
    alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
    bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
    const carol = (await joinAs(cloud, 'openid-c', 'room-1', 'carol', 1)).session;
    // Before anyone publishes: each anchor on stage, with the URL its stream will play at; not the audience.
    const early = await cloud.ok('openid-b', 'subscribe', bob);
    expect(early.streams.map((s) => [s.userId, s.publishing])).toEqual([['alice', false], ['carol', false]]);
    const a = await cloud.ok('openid-a', 'publish', alice);
    cloud.clock.advance(10);
    const c = await cloud.ok('openid-c', 'publish', carol);

    const all = await cloud.ok('openid-b', 'subscribe', bob);
    expect(actions.subscribe.response.parse(all)).toEqual(all);
    expect(all.streams.map((s) => [s.userId, s.streamId, s.publishing])).toEqual([['alice', a.streamId, true], ['carol', c.streamId, true]]);
    // The stream id is fixed, so the URL handed out before the stream started is for that same stream.
    expect(early.streams.map((s) => s.streamId)).toEqual([a.streamId, c.streamId]);
    await cloud.ok('openid-c', 'unpublish', carol);
    expect((await cloud.ok('openid-b', 'subscribe', bob)).streams.map((s) => [s.userId, s.publishing])).toEqual([['alice', true], ['carol', false]]);
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 2 });
    expect((await cloud.ok('openid-b', 'subscribe', bob)).streams.map((s) => s.userId)).toEqual(['alice']);
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 });
    await cloud.ok('openid-c', 'publish', carol);
    const s = all.streams[0];
    expect(s.url).toBe(s.urls.rtmp);
    expect(s.urls.flv).toMatch(new RegExp(`^https://play\\.example\\.com/live/${a.streamId}\\.flv\\?`));
    expect(s.urls.hls).toMatch(/\.m3u8\?/);
    const q = new URL(s.urls.flv).searchParams;
    expect(verifyTencentTxSecret(a.streamId, q.get('txSecret') ?? '', q.get('txTime') ?? '', 'pull-key', cloud.clock.now() / 1000)).toBe(true);
    // Signatures carry whole seconds; expiresAt says exactly when this one stops working.
    expect(s.expiresAt).toBe(Math.floor(cloud.clock.now() / 1000) * 1000 + 600_000);

    const one = await cloud.ok('openid-b', 'subscribe', { ...bob, userIds: ['carol', 'nobody'], pullDomain: 'play2.example.com' });
    expect(one.streams.map((x) => x.userId)).toEqual(['carol']);
    expect(new URL(one.streams[0].url).host).toBe('play2.example.com');
    expect(codeOf(await cloud.call('openid-b', 'subscribe', { ...bob, pullDomain: 'evil.example.com' }))).toBe(ErrorCode.DOMAIN_NOT_ALLOWED);
  });

  it('heartbeat extends the lease and steers toward the phase', async () => {
    cloud.clock.advance(30_000);
    const hb = await cloud.ok('openid-b', 'heartbeat', bob);
    expect(actions.heartbeat.response.parse(hb)).toEqual(hb);
    // The lease runs until the beat asked for plus a grace (heartbeatSchedule.ts leaseAfterBeatMs), at most 40 s.
    expect(hb.expiresAt).toBe(cloud.clock.now() + Math.min(40_000, hb.nextHeartbeatInMs + LEASE_GRACE_MS));
    expect(hb.nextHeartbeatInMs).toBeGreaterThanOrEqual(25_000);
    expect(hb.nextHeartbeatInMs).toBeLessThanOrEqual(35_000);
    // Staying alive past the first lease only through heartbeats, each sent when the last reply asked.
    let next = hb.nextHeartbeatInMs;
    for (let i = 0; i < 5; i += 1) {
      cloud.clock.advance(next);
      next = (await cloud.ok('openid-b', 'heartbeat', bob)).nextHeartbeatInMs;
    }
    expect((await cloud.ok('openid-b', 'getRoomMemberCount', bob)).total).toBe(1); // alice never beat: swept
  });

  it('heartbeat writes only the private presence document', async () => {
    const before = await cloud.snapshot();
    cloud.clock.advance(1_000);
    await cloud.ok('openid-b', 'heartbeat', bob);
    const after = await cloud.snapshot();
    for (const c of Object.values(Collections)) if (c !== Collections.presence) expect(after[c]).toEqual(before[c]);
    expect(after[Collections.presence]).not.toEqual(before[Collections.presence]);
  });

  it('heartbeat racing a rejoin answers SESSION_REPLACED and leaves the new session as it was', async () => {
    cloud.clock.advance(1_000);
    let fresh: Session | undefined;
    let afterJoin: unknown;
    raceBeforePresenceUpdate(cloud, async () => {
      fresh = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
      afterJoin = (await cloud.snapshot())[Collections.presence];
    });
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.SESSION_REPLACED);
    expect(fresh?.sessionId).not.toBe(bob.sessionId);
    expect((await cloud.snapshot())[Collections.presence]).toEqual(afterJoin);
  });

  it('heartbeat racing a leave answers NOT_IN_ROOM and brings back neither member nor presence', async () => {
    cloud.clock.advance(1_000);
    raceBeforePresenceUpdate(cloud, async () => {
      expect(await cloud.ok('openid-b', 'leaveRoom', bob)).toEqual({ left: true });
    });
    expect(codeOf(await cloud.call('openid-b', 'heartbeat', bob))).toBe(ErrorCode.NOT_IN_ROOM);
    const snap = await cloud.snapshot();
    expect(snap[Collections.presence].map((p) => p.userId)).toEqual(['alice']);
    expect(snap[Collections.members].map((m) => m.userId)).toEqual(['alice']);
  });

  it('getBroadcasterList lists anchors by joinedAt', async () => {
    cloud.clock.advance(5);
    await joinAs(cloud, 'openid-c', 'room-1', 'carol', 1);
    const list = await cloud.ok('openid-b', 'getBroadcasterList', bob);
    expect(actions.getBroadcasterList.response.parse(list)).toEqual(list);
    expect(list.members.map((m) => m.userId)).toEqual(['alice', 'carol']);
    expect(Object.keys(list.members[0]).sort()).toEqual(['joinedAt', 'nickName', 'peerId', 'role', 'stream', 'userId', 'version']);
  });

  it('getAudienceList pages by userId with a cursor', async () => {
    for (const u of ['u05', 'u03', 'u01', 'u04', 'u02']) await joinAs(cloud, `openid-${u}`, 'room-1', u, 2);
    await joinAs(cloud, 'openid-x', 'room-other', 'u00', 2);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await cloud.ok('openid-b', 'getAudienceList', { ...bob, pageSize: 2, ...(cursor ? { cursor } : {}) });
      expect(actions.getAudienceList.response.parse(res)).toEqual(res);
      expect(res.members.length).toBeLessThanOrEqual(2);
      seen.push(...res.members.map((m) => m.userId));
      if (res.nextCursor === null) break;
      cursor = res.nextCursor;
    }
    expect(seen).toEqual(['bob', 'u01', 'u02', 'u03', 'u04', 'u05']);
    const whole = await cloud.ok('openid-b', 'getAudienceList', bob);
    expect(whole.nextCursor).toBeNull();
    expect(whole.members).toHaveLength(6);
  });

  it('getRoomMemberCount answers the exact counts', async () => {
    const counts = await cloud.ok('openid-a', 'getRoomMemberCount', alice);
    expect(actions.getRoomMemberCount.response.parse(counts)).toEqual(counts);
    expect(counts).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
  });

  it('keeps rooms of different apps apart', async () => {
    const fields = tokenFields(cloud.clock.now(), 'room-1', 'alice', { appId: 'app-2', appKey: 'secret-key-2' });
    const other = await cloud.ok('openid-a', 'joinRoom', { ...fields, role: 2 });
    expect(other.roomKey).toBe('app-2:room-1');
    expect(other.room).toMatchObject({ broadcasterCount: 0, audienceCount: 1 });
    expect(await cloud.ok('openid-a', 'getRoomMemberCount', alice)).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
  });
});
