/**
 * A client killed without leaving (its SDK abandoned: timers stopped, no leave) is gone from every
 * roster within 45 s of emulator time while others remain in its room, and within 2 minutes in an
 * otherwise empty room. SDK clients run with their timers on the local cloud's clock, moved event by
 * event (support/simulation.ts), so every heartbeat happens when the SDK's schedule says.
 *
 * Rooms of 2, 3, 4, 5 and 8 members, and a room of 3 that lost one member (the pair that remains
 * kept the heartbeat phases it had in the room of 3), each with the victim killed 1 s, 11 s and 21 s
 * after one of its heartbeats. A kill right after a heartbeat is the worst case: the victim cannot be
 * known dead before its next beat is due. tests/ghosts-restart.e2e.test.ts shows one sweep by a
 * call and one by the timer; this measures the removal time against the bounds.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { Collections, memberIdOf, roomKeyOf } from '../../shared';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';
import type { Room } from '../../miniprogram/lib/src/index';
import { APP_ID, PULL_DOMAIN, PUSH_DOMAIN, joinParams } from '../sdk/localCloud';
import { Simulation } from './support/simulation';
import type { ClockTimers } from '../../emulator/client/clockTimers';

/** How long a room runs before the kill, so heartbeat phases settle (a few beats each). */
const WARM_UP_MS = 150_000;

interface Member {
  userId: string;
  client: JRTCMiniappClient;
  room: Room;
  timers: ClockTimers;
  /** When its last heartbeat was answered (cloud time). */
  lastBeat: number;
}

interface Case {
  label: string;
  roomId: string;
  members: Member[];
  victim: Member;
  killOffsetMs: number;
  killedAt: number | null;
  removedAfterMs: number | null;
}

async function withCloud<T>(timers: boolean, body: (cloud: LocalCloud) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-ghosts-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers, log: () => undefined });
  try {
    return await body(cloud);
  } finally {
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Joins `userId` to `roomId` as an SDK client on the simulation's clock (rosterScope 'all': everyone is on every roster). */
async function join(sim: Simulation, roomId: string, userId: string, role: 1 | 2): Promise<Member> {
  const member = {} as Member;
  const { platform, timers } = sim.client(`openid-${userId}`, (action, ok) => {
    if (action === 'heartbeat' && ok) member.lastBeat = timers.now();
  });
  const client = await JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN, cloud: platform, timers, rosterScope: 'all', platform: null });
  const pending = client.joinRoom(joinParams(roomId, userId, role, { timestamp: timers.now() + 3 * 3_600_000 }));
  await sim.quiesce();
  Object.assign(member, { userId, client, room: await pending, timers, lastBeat: timers.now() });
  return member;
}

/** True once `userId` is out of the store and off the roster of every other member of the room. */
async function goneEverywhere(cloud: LocalCloud, c: Case): Promise<boolean> {
  const doc = await cloud.store.get(Collections.members, memberIdOf(roomKeyOf(APP_ID, c.roomId), c.victim.userId));
  if (doc) return false;
  return c.members.every((m) => m === c.victim || !m.room.members.some((x) => x.userId === c.victim.userId));
}

/**
 * Retires every SDK client, the killed ones too: their watch sockets would otherwise keep
 * reconnecting to a stopped cloud. A killed client's timers stay dead; its leave finds nothing left.
 */
async function destroyAll(sim: Simulation, cases: Case[]): Promise<void> {
  const pending = cases.flatMap((c) => c.members.map((m) => m.client.destroy()));
  await sim.quiesce();
  await Promise.all(pending);
}

/** Arms the kill: `offset` after the victim's next heartbeat (from `from` on). */
function armKill(sim: Simulation, cloud: LocalCloud, c: Case, from: number): void {
  const watch = async (): Promise<void> => {
    if (c.victim.lastBeat >= from) {
      const at = c.victim.lastBeat + c.killOffsetMs;
      sim.at(at, () => {
        c.victim.timers.kill();
        c.killedAt = cloud.clock.now();
      });
      return;
    }
    sim.at(cloud.clock.now() + 500, watch);
  };
  sim.at(from, watch);
}

describe('ghosts: a client killed without leaving', () => {
  test('is gone from every roster within 45 s while others remain in its room', async () => {
    await withCloud(false, async (cloud) => {
      const sim = new Simulation(cloud);
      const cases: Case[] = [];
      const offsets = [1_000, 11_000, 21_000];
      const shapes: Array<[string, number, number]> = [
        // label, members that join, members that then leave (the earliest joiners but the owner)
        ['2 members', 2, 0],
        ['3 members', 3, 0],
        ['4 members', 4, 0],
        ['5 members', 5, 0],
        ['8 members', 8, 0],
        ['3 members, 1 left', 3, 1],
      ];
      for (const [label, joining, leaving] of shapes) {
        for (const offset of offsets) {
          const roomId = `g-${joining}-${leaving}-${offset}`;
          const members: Member[] = [];
          for (let i = 0; i < joining; i++) members.push(await join(sim, roomId, `${roomId}-u${i}`, i % 2 === 0 ? 1 : 2));
          for (const gone of members.splice(1, leaving)) await gone.client.leaveRoom();
          cases.push({ label, roomId, members, victim: members[members.length - 1], killOffsetMs: offset, killedAt: null, removedAfterMs: null });
        }
      }
      const start = cloud.clock.now();
      for (const c of cases) armKill(sim, cloud, c, start + WARM_UP_MS);
      sim.afterStep = async () => {
        for (const c of cases) {
          if (c.killedAt !== null && c.removedAfterMs === null && (await goneEverywhere(cloud, c))) {
            c.removedAfterMs = cloud.clock.now() - c.killedAt;
          }
        }
      };
      await sim.runUntil(start + WARM_UP_MS + 40_000 + 60_000);

      const report = cases.map((c) => `${c.label}, kill ${c.killOffsetMs / 1000} s after a beat: ${c.removedAfterMs === null ? 'never' : `${(c.removedAfterMs / 1000).toFixed(3)} s`}`);
      process.stdout.write(`ghost removal (others remain):\n  ${report.join('\n  ')}\n`);
      for (const c of cases) {
        expect({ case: c.label, offset: c.killOffsetMs, killed: c.killedAt !== null }).toEqual({ case: c.label, offset: c.killOffsetMs, killed: true });
        expect({ case: c.label, offset: c.killOffsetMs, within45s: c.removedAfterMs !== null && c.removedAfterMs <= 45_000, ms: c.removedAfterMs }).toMatchObject({ within45s: true });
        // The others are still there, connected, with the right counts.
        const others = c.members.filter((m) => m !== c.victim);
        for (const m of others) {
          expect({ user: m.userId, state: m.room.state }).toEqual({ user: m.userId, state: 'connected' });
          expect(await cloud.store.get(Collections.members, memberIdOf(roomKeyOf(APP_ID, c.roomId), m.userId))).not.toBeNull();
          expect(m.room.members.map((x) => x.userId).sort()).toEqual(others.map((o) => o.userId).sort());
          expect(m.room.counts.total).toBe(others.length);
        }
      }
      await destroyAll(sim, cases);
    });
  }, 60_000);

  test('is gone within 2 minutes in an otherwise empty room (the timer sweep on its schedule)', async () => {
    await withCloud(true, async (cloud) => {
      const sim = new Simulation(cloud);
      const cases: Case[] = [];
      for (const offset of [500, 15_000, 30_000]) {
        const roomId = `alone-${offset}`;
        const member = await join(sim, roomId, `${roomId}-u0`, 2);
        cases.push({ label: 'alone', roomId, members: [member], victim: member, killOffsetMs: offset, killedAt: null, removedAfterMs: null });
      }
      // Warm the sweep's instance first: the simulation does not wait for timer-fired calls, so a
      // cold start (hundreds of ms of real time) would pass as a minute or more of simulated time.
      await cloud.timers.fire('jrtcSweep');
      const start = cloud.clock.now();
      for (const c of cases) armKill(sim, cloud, c, start + 40_000);
      // One event a second, so the timer sweep (every minute on the emulator clock) runs on time.
      for (let t = start + 1_000; t <= start + 40_000 + 35_000 + 125_000; t += 1_000) sim.at(t, () => undefined);
      sim.afterStep = async () => {
        for (const c of cases) {
          if (c.killedAt === null || c.removedAfterMs !== null) continue;
          const roomKey = roomKeyOf(APP_ID, c.roomId);
          const doc = await cloud.store.get(Collections.members, memberIdOf(roomKey, c.victim.userId));
          const room = await cloud.store.get(Collections.rooms, roomKey);
          if (!doc && room?.audienceCount === 0 && room.broadcasterCount === 0) c.removedAfterMs = cloud.clock.now() - c.killedAt;
        }
      };
      await sim.runUntil(start + 40_000 + 35_000 + 125_000);
      process.stdout.write(`ghost removal (empty room): ${cases.map((c) => `kill ${c.killOffsetMs / 1000} s after a beat: ${c.removedAfterMs === null ? 'never' : `${(c.removedAfterMs / 1000).toFixed(3)} s`}`).join('; ')}\n`);
      for (const c of cases) {
        expect({ offset: c.killOffsetMs, within2min: c.removedAfterMs !== null && c.removedAfterMs <= 120_000, ms: c.removedAfterMs }).toMatchObject({ within2min: true });
      }
      await destroyAll(sim, cases);
    });
  }, 60_000);
});
