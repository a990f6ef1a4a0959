/**
 * The seed's calls through the Room API (our extension: joinRoom's Room, its typed events) against a
 * real local cloud: in the documented order, with the events each one causes, and with bad input
 * rejected as typed errors. The JRTC form on the client itself is in jrtcSeed.test.ts.
 */
import JRTCMiniappClient, { ErrorCode, JRTCFailure } from '../../miniprogram/lib/src/index';
import type { Role } from '../../miniprogram/lib/src/index';
import { EventLog, joinParams, PULL_DOMAIN, PUSH_DOMAIN, APP_ID, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';
import { platformDouble } from './platformDouble';

let ctx: SdkTestContext;

beforeAll(async () => {
  ctx = await setupSdkTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

describe('the seed API on the local cloud', () => {
  test("the seed's calls, in the order it documents them", async () => {
    const teacher = await ctx.client('teacher');
    const room = await teacher.joinRoom(joinParams('seed-1', 'teacher', 1, { nickName: 'Ms T' }));
    expect(room.state).toBe('connected');
    expect(room.role).toBe(1);
    expect(room.counts).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });

    const student = await ctx.client('student');
    const sroom = await student.joinRoom(joinParams('seed-1', 'student', 2));
    expect(sroom.role).toBe(2);
    expect(await sroom.setRole(1)).toMatchObject({ userId: 'student', role: 1 });
    expect(sroom.role).toBe(1);

    const pushUrl = await sroom.publish();
    expect(pushUrl).toMatch(new RegExp(`^rtmp://${PUSH_DOMAIN.replace(/\./g, '\\.')}/`));

    const streams = await room.subscribe();
    // Every anchor on stage, by joinedAt: the teacher itself has not published (the page skips its own).
    expect(streams.map((s) => [s.userId, s.publishing])).toEqual([['teacher', false], ['student', true]]);
    expect(streams[1].url).toContain(PULL_DOMAIN);

    expect((await room.getBroadcasterList()).map((m) => m.userId).sort()).toEqual(['student', 'teacher']);
    expect(await room.getAudienceList()).toEqual({ members: [], nextCursor: null });
    expect(await room.getRoomMemberCount()).toEqual({ total: 2, broadcasterCount: 2, audienceCount: 0 });

    await sroom.leaveRoom();
    expect(sroom.state).toBe('disconnected');
    expect(student.room).toBeNull();
    expect(await room.getRoomMemberCount()).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });

    await student.destroy();
    await teacher.destroy();
    expect(room.state).toBe('disconnected');
    await expect(teacher.joinRoom(joinParams('seed-1', 'teacher', 1))).rejects.toMatchObject({ code: 430, errorCode: ErrorCode.INVALID_STATE });
  });

  test('events on join, role change, publish, unpublish and leave, each once', async () => {
    const teacher = await ctx.client('t2');
    const room = await teacher.joinRoom(joinParams('seed-2', 't2', 1));
    const log = new EventLog(room);

    const early = await ctx.client('early');
    const earlyRoom = await early.joinRoom(joinParams('seed-2', 'early', 1));
    await earlyRoom.publish();
    // A member who joins later hears of those already on stage, their streams included.
    const late = await ctx.client('late');
    const lateRoom = await late.joinRoom(joinParams('seed-2', 'late', 2));
    const lateLog = new EventLog(lateRoom);
    const [, lateStream] = await lateLog.waitFor('streamPublished', (m) => m.userId === 'early');
    expect(lateStream.url).toContain('rtmp://');
    expect(lateLog.all('memberJoined').map(([m]) => m.userId).sort()).toEqual(['early', 't2']);

    const pupil = await ctx.client('pupil');
    const proom = await pupil.joinRoom(joinParams('seed-2', 'pupil', 2));
    await log.waitFor('countsChanged', (c) => c.audienceCount === 2);
    await proom.setRole(1);
    const [promoted, previous] = await log.waitFor('roleChanged', (m) => m.userId === 'pupil');
    expect([promoted.role, previous]).toEqual([1, 2]);
    await proom.publish();
    const [, stream] = await log.waitFor('streamPublished', (m) => m.userId === 'pupil');
    expect(stream).toMatchObject({ userId: 'pupil' });
    await proom.unpublish();
    await log.waitFor('streamUnpublished', (m) => m.userId === 'pupil');
    await proom.publish();
    await log.waitFor('streamPublished', (m) => m.userId === 'pupil' && log.all('streamPublished').length === 3);
    await proom.setRole(2);
    await log.waitFor('roleChanged', (m) => m.userId === 'pupil' && m.role === 2);
    await earlyRoom.leaveRoom();
    await log.waitFor('memberLeft', (m) => m.userId === 'early');
    await log.waitFor('countsChanged', (c) => c.broadcasterCount === 1 && c.audienceCount === 2);

    const pupilLines = log.lines.filter((l) => /pupil|early/.test(l));
    expect(pupilLines).toEqual([
      'memberJoined:early',
      'streamPublished:early',
      'roleChanged:pupil:2->1',
      'streamPublished:pupil',
      'streamUnpublished:pupil',
      'streamPublished:pupil',
      'streamUnpublished:pupil',
      'roleChanged:pupil:1->2',
      'streamUnpublished:early',
      'memberLeft:early',
    ]);
    expect(log.all('connectionStateChanged')).toEqual([]);
    expect(log.all('error')).toEqual([]);
    expect(room.members.map((m) => m.userId)).toEqual(['t2']);

    await lateRoom.leaveRoom();
    expect(lateLog.all('connectionStateChanged')).toEqual([['disconnected', 'LEFT']]);
  });

  test("rosterScope 'all' puts the audience on the live roster too", async () => {
    const host = await ctx.client('host', { rosterScope: 'all' });
    const room = await host.joinRoom(joinParams('seed-4', 'host', 1));
    const log = new EventLog(room);
    const guest = await ctx.client('guest');
    const groom = await guest.joinRoom(joinParams('seed-4', 'guest', 2));
    await log.waitFor('memberJoined', (m) => m.userId === 'guest' && m.role === 2);
    await groom.setRole(1);
    await log.waitFor('roleChanged', (m, previous) => m.userId === 'guest' && m.role === 1 && previous === 2);
    await groom.leaveRoom();
    await log.waitFor('memberLeft', (m) => m.userId === 'guest');
    expect(log.lines.filter((l) => l.includes('guest'))).toEqual([
      'memberJoined:guest',
      'roleChanged:guest:2->1',
      'memberLeft:guest',
    ]);
    expect(room.members.map((m) => m.userId)).toEqual(['host']);
  });

  test('bad input rejects with BAD_REQUEST before any cloud call; server refusals keep their code', async () => {
    const double = platformDouble(ctx.platform('openid-bad'));
    const base = { appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN, cloud: double.cloud };
    const badInits: unknown[] = [
      undefined,
      { ...base, appId: '' },
      { ...base, appId: 'bad app' },
      { ...base, pushDomain: 'rtmp://x' },
      { ...base, pullDomain: 7 },
      { ...base, rosterScope: 'everyone' },
      { ...base, callTimeoutMs: -1 },
      { ...base, reconnectPolicy: {} },
    ];
    const good = joinParams('seed-3', 'bad', 1);
    // init returns the client whatever its options; the first call says what was wrong.
    for (const options of badInits) {
      const err = await JRTCMiniappClient.init(options as never).joinRoom(good).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JRTCFailure);
      expect(err).toMatchObject({ code: 431, errorCode: ErrorCode.BAD_REQUEST });
    }
    // No cloud given and no global wx.cloud: the client cannot work at all.
    await expect(JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN }).joinRoom(good)).rejects.toMatchObject({
      code: 430,
      errorCode: ErrorCode.INVALID_STATE,
    });
    expect(double.actions).toEqual([]);

    const client = JRTCMiniappClient.init(base);
    const badJoins: unknown[] = [
      null,
      { ...good, appId: 'other-app' },
      { ...good, token: '' },
      { ...good, token: 'x'.repeat(513) },
      { ...good, userId: 'has:colon' },
      { ...good, userId: undefined },
      { ...good, role: 3 },
      { ...good, role: '1' },
      { ...good, nonce: '' },
      { ...good, timestamp: 1.5 },
      { ...good, timestamp: `${good.timestamp}x` },
      { ...good, timeStamp: -1, timestamp: undefined },
      { ...good, userId: -1 },
      { ...good, userRoomId: 1.5 },
      { ...good, userRoomId: 'x'.repeat(65) },
      { ...good, peerId: 'a b' },
      { ...good, nickName: 'n'.repeat(65) },
    ];
    for (const params of badJoins) {
      await expect(client.joinRoom(params as never)).rejects.toMatchObject({ code: 431, errorCode: ErrorCode.BAD_REQUEST });
    }
    expect(double.actions).toEqual([]);

    const forged = await client.joinRoom({ ...good, token: `${good.token.slice(0, -4)}AAAA` }).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(JRTCFailure);
    expect(forged).toMatchObject({ code: 401, errorCode: ErrorCode.TOKEN_INVALID });

    const room = await client.joinRoom(good);
    const before = double.actions.length;
    await expect(room.setRole(3 as Role)).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(room.getAudienceList({ pageSize: 0 })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(room.getAudienceList({ pageSize: 101 })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(room.getAudienceList({ cursor: 'no spaces' })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(room.subscribe({ userIds: ['ok', 'not ok'] })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(room.subscribe(null as never)).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect(double.actions.slice(before).filter((a) => a !== 'heartbeat')).toEqual([]);

    // The server's own refusal comes back typed: an audience member may not publish.
    const listener = await ctx.client('listener');
    const lroom = await listener.joinRoom(joinParams('seed-3', 'listener', 2));
    await expect(lroom.publish()).rejects.toMatchObject({ code: ErrorCode.NOT_ANCHOR });
    expect(lroom.state).toBe('connected');

    await room.leaveRoom();
    await expect(room.getRoomMemberCount()).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await client.destroy();
  });
});
