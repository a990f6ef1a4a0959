/**
 * The SDK's watches broken again and again in the middle of heavy churn (joins, leaves, role changes,
 * publishing by 60 other members, many calls at once), in the platform's two ways, wave by wave:
 * - the socket drops and the platform client reconnects by itself, delivering only the difference
 *   as changes (the SDK's applyChanges);
 * - the platform fails the watches outright (onError): the SDK re-watches with its reconnect policy
 *   and gets a fresh init snapshot, which it diffs against what it had (the SDK's applySnapshot).
 *   Members leave and change role while the SDK is between the failure and its re-watch, so each
 *   init differs from the SDK's roster, and the re-watch runs while the next wave's changes land.
 * Afterwards each observer's roster is exactly the store's: the anchors for an anchors-scope room,
 * everyone for an 'all' one; nobody twice; and its counts equal the room document.
 * tests/sdk/recovery.test.ts shows one break around a few sequential changes; this breaks while
 * concurrent writes are landing.
 */
import { createCloudClient } from '../../emulator/client/client';
import type { CloudClient } from '../../emulator/client/client';
import { Collections, roomKeyOf } from '../../shared';
import type { ActionName, ActionRequest } from '../../shared';
import { DefaultReconnectPolicy } from '../../miniprogram/lib/src/index';
import type { ReconnectContext, ReconnectPolicy, Room } from '../../miniprogram/lib/src/index';
import { APP_ID, joinParams, setupSdkTest } from '../sdk/localCloud';
import type { SdkTestContext } from '../sdk/localCloud';
import { ClockTimers } from '../../emulator/client/clockTimers';

const ROOM = 'churn';
const ROOM_KEY = roomKeyOf(APP_ID, ROOM);

let ctx: SdkTestContext;
beforeAll(async () => {
  ctx = await setupSdkTest();
});
afterAll(async () => {
  await ctx.cleanup();
});

/** Polls `condition` until it holds or `ms` pass; the caller then asserts the exact state. */
async function settle(condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !(await condition())) await new Promise((r) => setTimeout(r, 50));
}

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

/** A churning member: a plain platform client (no SDK), as other phones would be. */
class Churner {
  readonly client: CloudClient;
  session: Session | null = null;
  constructor(readonly userId: string) {
    this.client = createCloudClient({ url: ctx.cloud.url, openid: `openid-${userId}` });
  }
  async call<A extends ActionName>(action: A, extra: Omit<ActionRequest<A>, keyof Session>): Promise<void> {
    if (!this.session) return;
    await this.client.callFunction({ name: 'jrtc', data: { action, ...this.session, ...extra } });
  }
  async join(role: 1 | 2): Promise<void> {
    const res = await this.client.callFunction({ name: 'jrtc', data: { action: 'joinRoom', ...joinParams(ROOM, this.userId, role) } });
    const reply = res.result as { ok: boolean; data?: { sessionId: string } };
    if (reply.ok && reply.data) this.session = { appId: APP_ID, userRoomId: ROOM, userId: this.userId, sessionId: reply.data.sessionId };
  }
  async leave(): Promise<void> {
    await this.call('leaveRoom', {});
    this.session = null;
  }
}

/** The store's members of the room: userId → role. */
async function storeMembers(): Promise<Map<string, number>> {
  const docs = await ctx.cloud.store.find(Collections.members, { roomKey: ROOM_KEY });
  return new Map(docs.map((d) => [d.userId as string, d.role as number]));
}

async function storeCounts(): Promise<{ total: number; broadcasterCount: number; audienceCount: number }> {
  const room = await ctx.cloud.store.get(Collections.rooms, ROOM_KEY);
  const b = Number(room?.broadcasterCount);
  const a = Number(room?.audienceCount);
  return { total: a + b, broadcasterCount: b, audienceCount: a };
}

/** What an observer's roster should hold: everyone, or the anchors only. */
async function expectedRoster(scope: 'all' | 'anchors'): Promise<string[]> {
  const members = await storeMembers();
  return [...members].filter(([, role]) => scope === 'all' || role === 1).map(([u, role]) => `${u}:${role}`).sort();
}

const rosterOf = (room: Room): string[] => room.members.map((m) => `${m.userId}:${m.role}`).sort();

/**
 * The roster as a page hears it: memberJoined / memberLeft folded in order, and on the anchors-only
 * roster also roleChanged (a promotion enters it, a demotion leaves it). `twice` lists every report of
 * someone already there or already gone. The observer itself enters silently, so it is not followed.
 */
function followRoster(room: Room, scope: 'all' | 'anchors', self: string): { heard: Set<string>; twice: string[] } {
  const heard = new Set<string>();
  const twice: string[] = [];
  const enter = (userId: string, how: string): void => {
    if (userId === self) return;
    if (heard.has(userId)) twice.push(`${how}:${userId}`);
    heard.add(userId);
  };
  const exit = (userId: string, how: string): void => {
    if (userId === self) return;
    if (!heard.delete(userId)) twice.push(`${how}:${userId}`);
  };
  room.on('memberJoined', (m) => enter(m.userId, 'joined'));
  room.on('memberLeft', (m) => exit(m.userId, 'left'));
  if (scope === 'anchors') room.on('roleChanged', (m) => (m.role === 1 ? enter(m.userId, 'promoted') : exit(m.userId, 'demoted')));
  return { heard, twice };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An observer's reconnect policy: fast retries (the default waits a second), and a count of the failures it was asked about. */
class CountingPolicy implements ReconnectPolicy {
  failures = 0;
  private readonly delays = new DefaultReconnectPolicy([20, 40, 80]);
  nextRetryDelayInMs(context: ReconnectContext): number | null {
    this.failures++;
    return this.delays.nextRetryDelayInMs(context);
  }
}

/**
 * While the observers' watches are failed and their re-watches held: two members leave (an anchor and
 * an audience member where there are both), anchors step down, audience members step up (up to two
 * each; the churn decides how many of each there are). Checks on the store that all of it happened,
 * so that the coming init snapshots surely differ from the observers' rosters.
 */
async function changeWhileAway(churners: Churner[]): Promise<void> {
  const roles = await storeMembers();
  const seated = churners.filter((c) => c.session && roles.has(c.userId));
  const anchors = seated.filter((c) => roles.get(c.userId) === 1);
  const audience = seated.filter((c) => roles.get(c.userId) === 2);
  const leavers = anchors.length && audience.length ? [anchors[0], audience[0]] : seated.slice(0, 2);
  const demoted = anchors.filter((c) => !leavers.includes(c)).slice(0, 2);
  const promoted = audience.filter((c) => !leavers.includes(c)).slice(0, 2);
  expect({ leavers: leavers.length, roleChanges: demoted.length + promoted.length >= 2 }).toEqual({ leavers: 2, roleChanges: true });
  await Promise.all([
    ...leavers.map((c) => c.leave()),
    ...demoted.map((c) => c.call('setRole', { role: 2 })),
    ...promoted.map((c) => c.call('setRole', { role: 1 })),
  ]);
  const now = await storeMembers();
  const state = (cs: Churner[]): Array<number | undefined> => cs.map((c) => now.get(c.userId));
  expect({ left: state(leavers), demoted: state(demoted), promoted: state(promoted) }).toEqual({
    left: leavers.map(() => undefined),
    demoted: demoted.map(() => 2),
    promoted: promoted.map(() => 1),
  });
}

describe('watch connection dropped and watches failed mid-churn', () => {
  test("afterwards the SDK's roster equals the store's and its counts equal the room document", async () => {
    const host = await ctx.client('host');
    const hostRoom = await host.joinRoom(joinParams(ROOM, 'host', 1));
    const timers = new ClockTimers(ctx.cloud.clock);
    const observers: Array<{ scope: 'all' | 'anchors'; platform: CloudClient; room: Room; policy: CountingPolicy; page: ReturnType<typeof followRoster> }> = [];
    for (const scope of ['anchors', 'all'] as const) {
      const platform = ctx.platform(`openid-obs-${scope}`);
      const policy = new CountingPolicy();
      const client = await ctx.client(`obs-${scope}`, { cloud: platform, rosterScope: scope, reconnectPolicy: policy, timers });
      const room = await client.joinRoom(joinParams(ROOM, `obs-${scope}`, 2));
      observers.push({ scope, platform, policy, room, page: followRoster(room, scope, `obs-${scope}`) });
    }
    const churners = Array.from({ length: 60 }, (_, i) => new Churner(`m${String(i).padStart(2, '0')}`));
    await Promise.all(churners.map((c, i) => c.join(i % 3 === 0 ? 1 : 2)));

    // Eight waves of concurrent changes; during each the observers' sockets are dropped (even waves)
    // or their watches failed (odd waves).
    for (let wave = 0; wave < 8; wave++) {
      const failing = wave % 2 === 1;
      if (failing) {
        // Every watch is live again (the last re-watches delivered), so every one of them fails now.
        await settle(async () => observers.every((o) => o.room.state === 'connected'));
        timers.hold();
      }
      const failuresBefore = observers.map((o) => o.policy.failures);
      const ops = churners.map(async (c, i) => {
        switch ((i + wave) % 6) {
          case 0:
            return c.session ? c.leave() : c.join(2);
          case 1:
            return c.call('setRole', { role: 1 });
          case 2:
            return c.call('setRole', { role: 2 });
          case 3:
            return c.call('publish', {});
          case 4:
            return c.session ? c.call('unpublish', {}) : c.join(1);
          default:
            return c.call('raiseHand', {});
        }
      });
      const breaks = observers.map(async ({ platform }, k) => {
        await sleep(5 + 10 * k + wave);
        if (failing) platform.failWatches();
        else platform.dropConnections();
      });
      // The re-watches held since the last failing wave start while this wave's changes land.
      const release = failing ? [] : [sleep(5 + wave).then(() => timers.release())];
      await Promise.all([...ops, ...breaks, ...release]);
      if (failing) {
        // The failures reached the SDK (its policy was asked for a retry delay); the re-watches wait for release().
        for (const [k, { scope, policy }] of observers.entries()) {
          expect({ scope, failed: policy.failures > failuresBefore[k] }).toEqual({ scope, failed: true });
        }
        await changeWhileAway(churners);
      } else if (wave % 4 === 2) {
        // Now and then once more as the wave ends, while the client is still resyncing the last changes.
        for (const o of observers) o.platform.dropConnections();
      }
    }
    // The last failing wave's re-watches start, and a drop follows while their inits are on the way.
    timers.release();
    await sleep(5);
    for (const o of observers) o.platform.dropConnections();

    for (const { scope, room, page } of observers) {
      // Connected again too: the roster can already match while the last re-watch is still on its way.
      await settle(async () => room.state === 'connected' && rosterOf(room).join() === (await expectedRoster(scope)).join() && JSON.stringify(room.counts) === JSON.stringify(await storeCounts()));
      expect(room.state).toBe('connected');
      const roster = rosterOf(room);
      expect({ scope, duplicates: roster.length - new Set(room.members.map((m) => m.userId)).size }).toEqual({ scope, duplicates: 0 });
      expect({ scope, roster }).toEqual({ scope, roster: await expectedRoster(scope) });
      expect({ scope, counts: room.counts }).toEqual({ scope, counts: await storeCounts() });
      // What the page was told adds up to the roster, and nobody was reported joining or leaving twice.
      expect({ scope, heard: [...page.heard].sort(), twice: page.twice }).toEqual({
        scope,
        heard: room.members.map((m) => m.userId).filter((u) => u !== `obs-${scope}`).sort(),
        twice: [],
      });
    }
    expect(hostRoom.counts).toEqual(await storeCounts());
  }, 60_000);
});
