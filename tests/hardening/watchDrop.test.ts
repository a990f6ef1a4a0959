/**
 * The SDK's watch connection dropped again and again in the middle of heavy churn (joins, leaves,
 * role changes, publishing by 60 other members, many calls at once). Afterwards each observer's
 * roster is exactly the store's: the anchors for an anchors-scope room, everyone for an 'all' one;
 * nobody twice; and its counts equal the room document. tests/sdk/recovery.test.ts shows one drop
 * around a few sequential changes; this drops while concurrent writes are landing.
 */
import { createCloudClient } from '../../emulator/client';
import type { CloudClient } from '../../emulator/client';
import { Collections, roomKeyOf } from '../../shared';
import type { ActionName, ActionRequest } from '../../shared';
import type { Room } from '../../miniprogram/lib/src/index';
import { APP_ID, joinParams, setupSdkTest } from '../sdk/localCloud';
import type { SdkTestContext } from '../sdk/localCloud';

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

describe('watch connection dropped mid-churn', () => {
  test("afterwards the SDK's roster equals the store's and its counts equal the room document", async () => {
    const host = await ctx.client('host');
    const hostRoom = await host.joinRoom(joinParams(ROOM, 'host', 1));
    const observers: Array<{ scope: 'all' | 'anchors'; platform: CloudClient; room: Room }> = [];
    for (const scope of ['anchors', 'all'] as const) {
      const platform = ctx.platform(`openid-obs-${scope}`);
      const client = await ctx.client(`obs-${scope}`, { cloud: platform, rosterScope: scope });
      observers.push({ scope, platform, room: await client.joinRoom(joinParams(ROOM, `obs-${scope}`, 2)) });
    }
    const churners = Array.from({ length: 60 }, (_, i) => new Churner(`m${String(i).padStart(2, '0')}`));
    await Promise.all(churners.map((c, i) => c.join(i % 3 === 0 ? 1 : 2)));

    // Eight waves of concurrent changes; the observers' sockets are dropped during every wave.
    for (let wave = 0; wave < 8; wave++) {
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
      const drops = observers.map(async ({ platform }, k) => {
        await new Promise((r) => setTimeout(r, 5 + 10 * k + wave));
        platform.dropConnections();
      });
      await Promise.all([...ops, ...drops]);
      if (wave % 3 === 2) for (const o of observers) o.platform.dropConnections();
    }
    for (const o of observers) o.platform.dropConnections();

    for (const { scope, room } of observers) {
      await settle(async () => rosterOf(room).join() === (await expectedRoster(scope)).join() && JSON.stringify(room.counts) === JSON.stringify(await storeCounts()));
      expect(room.state).toBe('connected');
      const roster = rosterOf(room);
      expect({ scope, duplicates: roster.length - new Set(room.members.map((m) => m.userId)).size }).toEqual({ scope, duplicates: 0 });
      expect({ scope, roster }).toEqual({ scope, roster: await expectedRoster(scope) });
      expect({ scope, counts: room.counts }).toEqual({ scope, counts: await storeCounts() });
    }
    expect(hostRoom.counts).toEqual(await storeCounts());
  }, 60_000);
});
