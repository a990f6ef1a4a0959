/**
 * The local cloud killed with SIGKILL while joins (and some leaves and role changes) are in flight,
 * then restarted on the same data dir, ten times over: every acknowledged write is there, and the
 * store is consistent whatever was cut off: room counts equal the member documents role by role,
 * member and presence documents correspond one to one. tests/ghosts-restart.e2e.test.ts kills an
 * idle cloud after acknowledged leaves; this kills it mid-load, where a commit can be cut in half.
 * The journal limit is small, so the store checkpoints (rewrites collection files, empties the
 * journal) every few commits and kills also land in the middle of checkpoints.
 */
import { createCloudClient } from '../../emulator/client/client';
import { COUNT_SETTLE_MS } from '../../cloudfunctions/jrtc/src/sweep';
import { Collections, roomKeyOf } from '../../shared';
import { startCloudProcess } from '../helpers/cloudProcess';
import type { CloudProcess } from '../helpers/cloudProcess';
import { APP_ID, callOk, joinParams } from '../helpers/room';
import { readCollection } from './support/dataDir';

/**
 * What this test checks is durability across kills of the whole cloud, not concurrency: its ten
 * restarts each start the pool anew, and on a 2-core machine 48 cold starts per round would spend
 * the test's time on process starts. Eight instances keep 48 calls in flight
 * (tests/hardening/burst.test.ts and concurrency.test.ts run at the default).
 */
const INSTANCES = ['--function-instances', '8'];

const ROOM = 'crash';
const ROOM_KEY = roomKeyOf(APP_ID, ROOM);
const ROUNDS = 10;
/** Calls kept in flight at once. */
const IN_FLIGHT = 48;
/** The kill comes once this many writes of the round were acknowledged. */
const KILL_AFTER = 60;
/**
 * A checkpoint every dozen or so joins (the store's default is 8 MiB). Leases of an hour: no member
 * here beats, and on a loaded machine the rounds outlast the default 40 s lease, whose room sweep
 * would then rightly remove the first members.
 */
const CLOUD_ARGS = ['--journal-limit', '16384', '--env', 'JRTC_LEASE_MS=3600000', ...INSTANCES];

type Role = 1 | 2;
/** A member as the store may hold it, or 'left'. */
type State = { role: number; sessionId: string } | 'left';

function same(a: State, b: State): boolean {
  return a === 'left' || b === 'left' ? a === b : a.role === b.role && a.sessionId === b.sessionId;
}

/** The room document's counts, and what its member documents say they should be. */
function roomCounts(dataDir: string): { room: unknown; members: { broadcasterCount: number; audienceCount: number } } {
  const members = [...readCollection(dataDir, Collections.members).values()].filter((m) => m.roomKey === ROOM_KEY);
  const anchors = members.filter((m) => m.role === 1).length;
  const room = readCollection(dataDir, Collections.rooms).get(ROOM_KEY);
  return { room, members: { broadcasterCount: anchors, audienceCount: members.length - anchors } };
}

/**
 * The store as a restarted cloud loads it, checked for consistency; returns userId → member. The
 * room's counts move after each member's transaction (cloudfunctions/jrtc/src/roster.ts), so a kill
 * between the two leaves them off: then the room must be marked `countsDirty`, for the sweep.
 */
function loadRoom(dataDir: string): Map<string, { role: number; sessionId: string }> {
  const members = [...readCollection(dataDir, Collections.members).values()].filter((m) => m.roomKey === ROOM_KEY);
  const presence = new Map([...readCollection(dataDir, Collections.presence).values()].filter((p) => p.roomKey === ROOM_KEY).map((p) => [p._id, p]));
  expect(members.map((m) => m._id).sort()).toEqual([...presence.keys()].sort());
  const { room, members: counts } = roomCounts(dataDir);
  if ((room as { countsDirty?: unknown }).countsDirty !== true) expect(room).toMatchObject(counts);
  return new Map(members.map((m) => [m.userId as string, { role: m.role as number, sessionId: presence.get(m._id)?.sessionId as string }]));
}

describe('SIGKILL during load', () => {
  test(`${ROUNDS} kills mid-load: no acknowledged write lost, counts consistent with member documents`, async () => {
    let cloud: CloudProcess = await startCloudProcess({ args: CLOUD_ARGS });
    let stopped = false;
    const dataDir = cloud.dataDir;
    /**
     * What the store may hold for each user: the last acknowledged state, plus the state a write in
     * flight would make (a call cut off by the kill may or may not have been committed).
     */
    const allowed = new Map<string, State[]>();
    let next = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const url = cloud.url;
        let acknowledged = 0;
        let killed = false;
        let killing: Promise<void> | null = null;
        const one = async (): Promise<void> => {
          const i = next++;
          const userId = `c${String(i).padStart(5, '0')}`;
          const client = createCloudClient({ url, openid: `openid-${userId}` });
          const role: Role = i % 7 === 0 ? 1 : 2;
          try {
            // Whether a join cut off by the kill was committed is unknown: no expectation until acknowledged.
            const join = await callOk(client, 'joinRoom', joinParams(ROOM, userId, role));
            const joined: State = { sessionId: join.sessionId, role };
            allowed.set(userId, [joined]);
            acknowledged += 1;
            const session = { appId: APP_ID, userRoomId: ROOM, userId, sessionId: join.sessionId };
            // Some members change role or leave right away, while the load goes on.
            let after: State | null = null;
            if (i % 5 === 1) after = { sessionId: join.sessionId, role: role === 1 ? 2 : 1 };
            else if (i % 5 === 3) after = 'left';
            if (after) {
              allowed.set(userId, [joined, after]);
              if (after === 'left') await callOk(client, 'leaveRoom', session);
              else await callOk(client, 'setRole', { ...session, role: after.role as Role });
              allowed.set(userId, [after]);
              acknowledged += 1;
            }
          } catch {
            // Cut off by the kill: unacknowledged, so either outcome is allowed.
          }
        };
        const worker = async (): Promise<void> => {
          while (!killed) {
            await one();
            if (!killed && acknowledged >= KILL_AFTER) {
              killed = true;
              killing = cloud.kill();
            }
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
        await killing;

        cloud = await startCloudProcess({ dataDir, args: CLOUD_ARGS });
        const held = loadRoom(dataDir);
        for (const [userId, states] of allowed) {
          const state: State = held.get(userId) ?? 'left';
          expect({ userId, state, allowed: states.some((s) => same(s, state)) }).toEqual({ userId, state, allowed: true });
          // From now on the store's state is the acknowledged one.
          allowed.set(userId, [state]);
        }
        // The restarted cloud answers with the same counts.
        const [someone, member] = [...held][0];
        const count = await callOk(createCloudClient({ url: cloud.url, openid: `openid-${someone}` }), 'getRoomMemberCount', {
          appId: APP_ID,
          userRoomId: ROOM,
          userId: someone,
          sessionId: member.sessionId,
        });
        const anchors = [...held.values()].filter((m) => m.role === 1).length;
        expect(count).toEqual({ total: held.size, broadcasterCount: anchors, audienceCount: held.size - anchors });
      }
      // The timer sweep recounts the room (two runs, the recount standing COUNT_SETTLE_MS between):
      // then the room document is exact too.
      await cloud.fireTimer('jrtcSweep');
      await cloud.advanceClock(COUNT_SETTLE_MS);
      await cloud.fireTimer('jrtcSweep');
      await cloud.stop();
      stopped = true;
      const settled = roomCounts(dataDir);
      expect(settled.room).toMatchObject({ ...settled.members, countsDirty: false });
    } finally {
      if (!stopped) await cloud.stop();
    }
  }, 120_000);
});
