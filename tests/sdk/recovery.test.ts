/**
 * Recovery through the public API against a real local cloud: dropped and broken watches, re-watch
 * refusals (-402002), sessions that end on the server, the token clock, and join/leave serialisation.
 */
import { ErrorCode, DefaultReconnectPolicy } from '../../miniprogram/lib/src/index';
import type { Member, Room } from '../../miniprogram/lib/src/index';
import { EventLog, joinParams, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';
import { ManualTimers } from '../helpers/manualTimers';
import { platformDouble } from './platformDouble';

let ctx: SdkTestContext;

beforeAll(async () => {
  ctx = await setupSdkTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

/** Polls `condition` until it holds; fails after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Folds an anchors-only roster's events into the set of anchors the page was told about, failing on
 * a member reported twice or a leave of a member never reported.
 */
function foldStage(log: EventLog, selfId: string): string[] {
  const on = new Set<string>();
  for (const { event, args } of log.entries) {
    const member = args[0] as Member;
    if (member?.userId === selfId) continue;
    const enters = event === 'memberJoined' || (event === 'roleChanged' && member.role === 1);
    const exits = event === 'memberLeft' || (event === 'roleChanged' && member.role === 2);
    if (enters) {
      if (on.has(member.userId)) throw new Error(`${member.userId} reported twice: ${log.lines.join(', ')}`);
      on.add(member.userId);
    } else if (exits) {
      if (!on.has(member.userId)) throw new Error(`${member.userId} left unreported: ${log.lines.join(', ')}`);
      on.delete(member.userId);
    }
  }
  return [...on].sort();
}

/** The streams the page was told about: announced and not withdrawn since. */
function foldStreams(log: EventLog): string[] {
  const on = new Set<string>();
  for (const { event, args } of log.entries) {
    const userId = (args[0] as Member).userId;
    if (event === 'streamPublished') {
      if (on.has(userId)) throw new Error(`stream of ${userId} announced twice`);
      on.add(userId);
    } else if (event === 'streamUnpublished') {
      if (!on.delete(userId)) throw new Error(`stream of ${userId} withdrawn unannounced`);
    }
  }
  return [...on].sort();
}

async function serverAnchors(room: Room): Promise<string[]> {
  return (await room.getBroadcasterList()).map((m) => m.userId).filter((id) => id !== room.userId).sort();
}

async function join(roomId: string, userId: string, role: 1 | 2): Promise<Room> {
  return (await ctx.client(userId)).joinRoom(joinParams(roomId, userId, role));
}

/** Stage changes made while an observer cannot hear: leave, promote, new anchor, publish, unpublish. */
async function churn(roomId: string, rooms: Record<string, Room>): Promise<void> {
  await rooms.gone.leaveRoom();
  await rooms.riser.setRole(1);
  await rooms.riser.publish();
  rooms.newcomer = await join(roomId, `${roomId}-newcomer`, 1);
  await rooms.newcomer.publish();
  await rooms.singer.unpublish();
  await rooms.faller.setRole(2);
}

async function stage(roomId: string): Promise<Record<string, Room>> {
  const rooms: Record<string, Room> = {
    gone: await join(roomId, `${roomId}-gone`, 1),
    riser: await join(roomId, `${roomId}-riser`, 2),
    singer: await join(roomId, `${roomId}-singer`, 1),
    faller: await join(roomId, `${roomId}-faller`, 1),
  };
  await rooms.gone.publish();
  await rooms.singer.publish();
  return rooms;
}

describe('recovery', () => {
  test('a dropped watch connection recovers with a correct roster and streams', async () => {
    const platform = ctx.platform('openid-obs1');
    const observer = await ctx.client('obs1', { cloud: platform });
    const room = await observer.joinRoom(joinParams('rec-1', 'obs1', 1));
    const log = new EventLog(room);
    const rooms = await stage('rec-1');
    await until(() => foldStreams(log).length === 2, 'the first streams');

    platform.dropConnections();
    await churn('rec-1', rooms);
    platform.dropConnections();

    const expected = ['rec-1-newcomer', 'rec-1-riser', 'rec-1-singer'];
    await until(async () => foldStage(log, 'obs1').join() === expected.join(), 'the stage to converge');
    expect(await serverAnchors(room)).toEqual(expected);
    expect(room.members.map((m) => m.userId).sort()).toEqual(['obs1', ...expected]);
    await until(() => foldStreams(log).join() === 'rec-1-newcomer,rec-1-riser', 'the streams to converge');
    expect(room.counts).toEqual(await room.getRoomMemberCount());
  });

  test('broken watches are re-watched through -402002 refusals; what changed meanwhile is reported once', async () => {
    const double = platformDouble(ctx.platform('openid-obs2'));
    const observer = await ctx.client('obs2', {
      cloud: double.cloud,
      reconnectPolicy: new DefaultReconnectPolicy([20, 40, 80]),
    });
    const room = await observer.joinRoom(joinParams('rec-2', 'obs2', 1));
    const log = new EventLog(room);
    const rooms = await stage('rec-2');
    await until(() => foldStreams(log).length === 2, 'the first streams');

    double.breakWatches();
    await log.waitFor('connectionStateChanged', (s) => s === 'reconnecting');
    await churn('rec-2', rooms);
    await until(() => double.refused >= 4, 'refused re-watches');
    double.release();
    await log.waitFor('connectionStateChanged', (s) => s === 'connected');

    const expected = ['rec-2-newcomer', 'rec-2-riser', 'rec-2-singer'];
    await until(() => foldStage(log, 'obs2').join() === expected.join(), 'the stage to converge');
    expect(await serverAnchors(room)).toEqual(expected);
    await until(() => foldStreams(log).join() === 'rec-2-newcomer,rec-2-riser', 'the streams to converge');
    await until(async () => JSON.stringify(room.counts) === JSON.stringify(await room.getRoomMemberCount()), 'counts');
    expect(log.all('connectionStateChanged')).toEqual([['reconnecting', ErrorCode.NETWORK], ['connected', undefined]]);
  });

  test('when the retry policy gives up, the room disconnects with NETWORK', async () => {
    const double = platformDouble(ctx.platform('openid-obs3'));
    const client = await ctx.client('obs3', { cloud: double.cloud, reconnectPolicy: new DefaultReconnectPolicy([10], 2) });
    const room = await client.joinRoom(joinParams('rec-3', 'obs3', 2));
    const log = new EventLog(room);
    await until(() => double.actions.length > 0, 'join');
    double.breakWatches();
    await log.waitFor('connectionStateChanged', (s) => s === 'disconnected');
    expect(log.all('connectionStateChanged').pop()).toEqual(['disconnected', ErrorCode.NETWORK]);
    expect(client.room).toBeNull();
  });

  /**
   * With a manual clock the SDK's call timeouts would fire while a real HTTP call is on its way, so
   * these tests give calls a day and wait for each call to come back before moving the clock on.
   */
  async function manualClient(userId: string, timers: ManualTimers) {
    const double = platformDouble(ctx.platform(`openid-${userId}`));
    const client = await ctx.client(userId, { timers, cloud: double.cloud, callTimeoutMs: 24 * 3600_000 });
    const tick = async (ms: number): Promise<void> => {
      await timers.advance(ms);
      await until(() => double.inFlight === 0, 'calls to come back');
    };
    return { client, double, tick };
  }

  test('a join of the same user elsewhere ends the old session at its next heartbeat (SESSION_REPLACED)', async () => {
    const timers = new ManualTimers(ctx.cloud.clock.now());
    const { client: first, tick } = await manualClient('twin', timers);
    const room = await first.joinRoom(joinParams('rec-4', 'twin', 1));
    const log = new EventLog(room);
    const second = await ctx.client('twin', { cloud: ctx.platform('openid-twin') });
    await second.joinRoom(joinParams('rec-4', 'twin', 1));
    await tick(40_000);
    await log.waitFor('connectionStateChanged', (s) => s === 'disconnected');
    expect(log.all('connectionStateChanged')).toEqual([['disconnected', ErrorCode.SESSION_REPLACED]]);
    await expect(room.getRoomMemberCount()).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    // Leaving a replaced session asks nothing of the server and cannot remove the new one.
    await room.leaveRoom();
    expect((await second.room!.getBroadcasterList()).map((m) => m.userId)).toEqual(['twin']);
  });

  test('heartbeats keep the session at two calls a minute; a lapsed lease ends it with NOT_IN_ROOM', async () => {
    const timers = new ManualTimers(ctx.cloud.clock.now());
    const { client, double, tick } = await manualClient('sleeper', timers);
    const room = await client.joinRoom(joinParams('rec-5', 'sleeper', 2));
    const log = new EventLog(room);
    // Server and client clocks move together for three minutes: the beats keep the lease alive.
    for (let i = 0; i < 36; i++) {
      ctx.cloud.clock.advance(5_000);
      await tick(5_000);
    }
    const beats = double.actions.filter((a) => a === 'heartbeat').length;
    expect(beats).toBeGreaterThanOrEqual(5);
    expect(beats).toBeLessThanOrEqual(6);
    expect(room.state).toBe('connected');
    // The device sleeps past its lease (the server clock runs, the client's does not).
    ctx.cloud.clock.advance(120_000);
    await tick(40_000);
    await log.waitFor('connectionStateChanged', (s) => s === 'disconnected');
    expect(log.all('connectionStateChanged')).toEqual([['disconnected', ErrorCode.NOT_IN_ROOM]]);
  });

  test('tokenWillExpire fires tokenWillExpireLeadMs before the token expires', async () => {
    const timers = new ManualTimers(ctx.cloud.clock.now());
    const client = await ctx.client('expiring', { timers, tokenWillExpireLeadMs: 60_000 });
    const timestamp = timers.now() + 10 * 60_000;
    const room = await client.joinRoom(joinParams('rec-6', 'expiring', 2, { timestamp }));
    const log = new EventLog(room);
    await timers.advance(9 * 60_000 - 1);
    expect(log.all('tokenWillExpire')).toEqual([]);
    await timers.advance(1);
    expect(log.all('tokenWillExpire')).toEqual([[timestamp]]);
  });

  test('a token shorter than the lead is announced at half its life, so renewals do not loop', async () => {
    const timers = new ManualTimers(ctx.cloud.clock.now());
    const client = await ctx.client('short-token', { timers, tokenWillExpireLeadMs: 60_000, callTimeoutMs: 24 * 3600_000 });
    const timestamp = timers.now() + 60_000;
    const room = await client.joinRoom(joinParams('rec-6b', 'short-token', 2, { timestamp }));
    const log = new EventLog(room);
    await timers.advance(29_999);
    expect(log.all('tokenWillExpire')).toEqual([]);
    await timers.advance(1);
    expect(log.all('tokenWillExpire')).toEqual([[timestamp]]);
    // The renewed 60 s token is announced 30 s later again, not at once.
    const fresh = joinParams('rec-6b', 'short-token', 2, { timestamp: timers.now() + 60_000 });
    await room.renewToken({ token: fresh.token, nonce: fresh.nonce, timestamp: fresh.timestamp });
    await timers.advance(29_999);
    expect(log.all('tokenWillExpire')).toHaveLength(1);
    await timers.advance(1);
    expect(log.all('tokenWillExpire')).toEqual([[timestamp], [fresh.timestamp]]);
  });

  test('join and leave never interleave', async () => {
    const client = await ctx.client('serial');
    const params = joinParams('rec-7', 'serial', 1);
    const a = client.joinRoom(params);
    const b = client.joinRoom(joinParams('rec-7', 'serial', 1));
    expect(b).toBe(a);
    const room = await a;
    // In a room already: JRTC's REPEAT_SUBMISSION, our INVALID_STATE.
    await expect(client.joinRoom(joinParams('rec-7', 'serial', 1))).rejects.toMatchObject({ code: 439, errorCode: ErrorCode.INVALID_STATE });

    // Leave, then join at once: the join waits for the leave to reach the server.
    const left = room.leaveRoom();
    const again = await client.joinRoom(joinParams('rec-7', 'serial', 1));
    await left;
    expect(again).not.toBe(room);
    expect(await again.getRoomMemberCount()).toMatchObject({ broadcasterCount: 1 });

    // Leave during a join cancels it, and the server is left without a ghost.
    await again.leaveRoom();
    const pending = client.joinRoom(joinParams('rec-7', 'serial', 1));
    const leaving = client.leaveRoom();
    await expect(pending).rejects.toMatchObject({ code: 10000, errorCode: ErrorCode.CANCELLED });
    await leaving;
    expect(client.room).toBeNull();
    const witness = await join('rec-7', 'witness', 1);
    expect((await witness.getBroadcasterList()).map((m) => m.userId)).toEqual(['witness']);
    expect(await witness.getRoomMemberCount()).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });

    // destroy() during a join cancels it as well.
    const doomed = client.joinRoom(joinParams('rec-7', 'serial', 1));
    await client.destroy();
    await expect(doomed).rejects.toMatchObject({ code: 10000, errorCode: ErrorCode.CANCELLED });
    expect(await witness.getRoomMemberCount()).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });
  });
});
