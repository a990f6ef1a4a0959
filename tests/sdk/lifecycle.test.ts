/**
 * Recovery after the app was hidden or offline, through the public API against a real local cloud:
 * a suspension past the lease (the member is swept) ends in a rejoin that others see as one leave
 * and one join; a short one resyncs without anyone seeing anything.
 */
import type { Member } from '../../miniprogram/lib/src/index';
import { Collections } from '../../shared/constants';
import { EventLog, joinParams, provenJoinParams, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';
import { FakePlatform } from './fakePlatform';
import { ManualTimers } from '../helpers/manualTimers';
import { platformDouble } from './platformDouble';

let ctx: SdkTestContext;

beforeAll(async () => {
  ctx = await setupSdkTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A client on a manual clock whose calls may take as long as the test needs; `tick` waits for them. */
async function manualClient(userId: string, extra: { platform?: FakePlatform | null } = {}) {
  const timers = new ManualTimers(ctx.cloud.clock.now());
  const double = platformDouble(ctx.platform(`openid-${userId}`));
  const client = await ctx.client(userId, { timers, cloud: double.cloud, callTimeoutMs: 24 * 3600_000, platform: extra.platform ?? null });
  const tick = async (ms: number): Promise<void> => {
    await timers.advance(ms);
    await until(() => double.inFlight === 0, 'calls to come back');
  };
  return { client, double, timers, tick };
}

/** The anchors of the room as the store holds them. */
async function storedAnchors(roomKey: string): Promise<string[]> {
  return (await ctx.cloud.store.find(Collections.members, { roomKey, role: 1 })).map((d) => String(d.userId)).sort();
}

const ids = (members: Member[]): string[] => members.map((m) => m.userId).sort();
const about = (log: EventLog, userId: string): string[] => log.lines.filter((l) => l.endsWith(`:${userId}`));

/**
 * Moves the server clock past the lease while `keeper` (on its own manual clock) keeps heartbeating,
 * then runs the timer sweep: whoever did not heartbeat meanwhile is gone.
 */
async function suspend(keeper: { tick(ms: number): Promise<void> }, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5_000) {
    ctx.cloud.clock.advance(5_000);
    await keeper.tick(5_000);
  }
  await ctx.cloud.timers.fire('jrtcSweep');
}

describe('lifecycle recovery', () => {
  test('suspended past the lease and swept: show rejoins; others see one leave and one join', async () => {
    const teacher = await manualClient('life-t');
    const troom = await teacher.client.joinRoom(joinParams('life-1', 'life-t', 1));
    const tlog = new EventLog(troom);
    const platform = new FakePlatform();
    const student = await ctx.client('life-s', { platform });
    const sroom = await student.joinRoom(joinParams('life-1', 'life-s', 1));
    const slog = new EventLog(sroom);
    await tlog.waitFor('memberJoined', (m) => m.userId === 'life-s');
    await slog.waitFor('memberJoined', (m) => m.userId === 'life-t');

    platform.fireHide();
    await suspend(teacher, 60_000);
    await tlog.waitFor('memberLeft', (m) => m.userId === 'life-s');
    expect(await storedAnchors(troom.roomKey)).toEqual(['life-t']);

    platform.fireShow();
    await slog.waitFor('connectionStateChanged', (s) => s === 'connected');
    await until(() => tlog.all('memberJoined').length === 2, 'the teacher to see the student back');
    expect(about(tlog, 'life-s')).toEqual(['memberJoined:life-s', 'memberLeft:life-s', 'memberJoined:life-s']);
    expect(slog.all('connectionStateChanged')).toEqual([['reconnecting', 'NETWORK'], ['connected', undefined]]);
    // The student never lost sight of the teacher, so it hears of the teacher once.
    expect(about(slog, 'life-t')).toEqual(['memberJoined:life-t']);
    expect(sroom.state).toBe('connected');
    expect(ids(sroom.members)).toEqual(await storedAnchors(sroom.roomKey));
    expect(ids(troom.members)).toEqual(['life-s', 'life-t']);
    expect(await sroom.getRoomMemberCount()).toEqual({ total: 2, broadcasterCount: 2, audienceCount: 0 });
  });

  test('away longer than the lease by its own clock: rejoins without asking first', async () => {
    const teacher = await manualClient('life-t2');
    const troom = await teacher.client.joinRoom(joinParams('life-2', 'life-t2', 1));
    const tlog = new EventLog(troom);
    const platform = new FakePlatform();
    const student = await manualClient('life-s2', { platform });
    const sroom = await student.client.joinRoom(joinParams('life-2', 'life-s2', 2));
    const slog = new EventLog(sroom);

    platform.fireNetwork(false);
    await suspend(teacher, 60_000);
    // The student's clock jumps too (the device slept); any heartbeat due meanwhile finds it swept.
    await student.tick(60_000);
    expect(sroom.state).not.toBe('disconnected');
    platform.fireNetwork(true);
    await until(() => sroom.state === 'connected', 'the student to reconnect');
    await student.tick(0);
    expect(student.double.actions.filter((a) => a === 'joinRoom')).toHaveLength(2);
    expect(slog.all('connectionStateChanged').map(([s]) => s)).toEqual(['reconnecting', 'connected']);
    // An audience member is not on the anchors roster: the counts show it came back.
    await until(async () => (await troom.getRoomMemberCount()).audienceCount === 1, 'the student back in the counts');
    await tlog.waitFor('countsChanged', (c) => c.audienceCount === 1 && tlog.all('countsChanged').some(([x]) => x.audienceCount === 0));
  });

  test('an owner who joined with a proof, renewed its token and handed the room on rejoins with the fresh token, not as owner', async () => {
    const teacher = await manualClient('life-t4');
    const troom = await teacher.client.joinRoom(joinParams('life-4', 'life-t4', 1));
    const platform = new FakePlatform();
    const host = await manualClient('life-h4', { platform });
    const hroom = await host.client.joinRoom(provenJoinParams('life-4', 'life-h4', 1));
    expect(hroom.ownerUserId).toBe('life-h4');
    const fresh = joinParams('life-4', 'life-h4', 1, { timestamp: Date.now() + 2 * 3600_000 });
    await hroom.renewToken({ token: fresh.token, nonce: fresh.nonce, timestamp: fresh.timestamp });
    await hroom.transferOwnership('life-t4');

    platform.fireNetwork(false);
    await suspend(teacher, 60_000);
    await host.tick(60_000);
    platform.fireNetwork(true);
    // The proof signs the first token's nonce: sent beside the fresh token it would be refused (TOKEN_INVALID).
    await until(() => hroom.state === 'connected' || hroom.state === 'disconnected', 'the host to settle');
    expect(hroom.state).toBe('connected');
    await host.tick(0);
    expect(host.double.actions.filter((a) => a === 'joinRoom')).toHaveLength(2);
    expect(hroom.ownerUserId).toBe('life-t4');
    expect(troom.ownerUserId).toBe('life-t4');
  });

  test('a short absence resyncs with one heartbeat and no roster events; listeners go with the room', async () => {
    const platform = new FakePlatform();
    const host = await manualClient('life-h', { platform });
    const hroom = await host.client.joinRoom(joinParams('life-3', 'life-h', 1));
    const hlog = new EventLog(hroom);
    const guest = await ctx.client('life-g');
    const groom = await guest.joinRoom(joinParams('life-3', 'life-g', 1));
    await hlog.waitFor('memberJoined', (m) => m.userId === 'life-g');

    platform.fireHide();
    await host.tick(5_000);
    const before = host.double.actions.length;
    platform.fireShow();
    await until(() => hroom.state === 'connected' && hlog.all('connectionStateChanged').length === 2, 'the resync');
    expect(host.double.actions.slice(before)).toEqual(['heartbeat']);
    expect(about(hlog, 'life-g')).toEqual(['memberJoined:life-g']);
    expect(ids(hroom.members)).toEqual(['life-g', 'life-h']);

    // What changes after the resync still arrives once.
    await groom.leaveRoom();
    await hlog.waitFor('memberLeft', (m) => m.userId === 'life-g');
    expect(about(hlog, 'life-g')).toEqual(['memberJoined:life-g', 'memberLeft:life-g']);
    await hroom.leaveRoom();
    expect(platform.listeners).toBe(0);
  });
});

