/**
 * 1,000 concurrent joins, then 1,000 concurrent leaves / role changes / joins (with races on the same
 * member) on one room, through the wx.cloud-shaped client against a local cloud in its own process.
 * Afterwards the room document, the member documents (read from the data dir and counted through the
 * client), getRoomMemberCount and the paged lists agree exactly; nobody is listed twice; presence and
 * member documents correspond one to one (no ghost) with the sessions the replies acknowledged.
 * cloudfunctions/jrtc/src/concurrency.test.ts proves the same in-process at 200; this is the full
 * path (HTTP, function instances running the real wx-server-sdk, the Admin API, persistence) at 1,000.
 *
 * Every database call of the functions is an HTTP round trip to the Admin API from another process,
 * as in CloudBase, so reads made outside a transaction can go stale and transactions on the room
 * document conflict for real (transact.ts retries them with backoff).
 *
 * Checked to fail with each of these defects injected (one at a time):
 * - store `transact` runs `fn` without the write lock (transactions interleave: lost count updates);
 * - joinRoom computes counts from a room read made before its transaction (stale read);
 * - leaving removes the member document but not its presence (a ghost);
 * - setRole changes the member's role but not the room's counts;
 * - joinRoom counts a rejoin as a new member (caught by the concurrent double joins).
 */
import { createCloudClient } from '../../emulator/client/client';
import { Collections, memberIdOf, roomKeyOf } from '../../shared';
import type { Member } from '../../shared';
import { startCloudProcess } from '../helpers/cloudProcess';
import type { CloudProcess } from '../helpers/cloudProcess';
import { APP_ID, call, callOk, joinParams } from '../helpers/room';
import type { Client } from '../helpers/room';
import { readCollection } from './support/dataDir';

const ROOM = 'crowd';
const ROOM_KEY = roomKeyOf(APP_ID, ROOM);
const N = 1000;

let cloud: CloudProcess;
beforeAll(async () => {
  // Leases of an hour: no member here beats, and on a loaded machine (CI runs the suites side by
  // side) the test outlasts the default 40 s lease, whose room sweep would rightly remove the first
  // joiners and make the roster differ from the acknowledged one.
  cloud = await startCloudProcess({ args: ['--env', 'JRTC_LEASE_MS=3600000'] });
});
afterAll(async () => {
  await cloud.stop();
});

const pad = (i: number): string => String(i).padStart(4, '0');
const clients = new Map<string, Client>();
function clientOf(userId: string): Client {
  let c = clients.get(userId);
  if (!c) clients.set(userId, (c = createCloudClient({ url: cloud.url, openid: `openid-${userId}` })));
  return c;
}
const session = (userId: string, sessionId: string) => ({ appId: APP_ID, userRoomId: ROOM, userId, sessionId });

/** The roster as the store holds it, checked for internal consistency; returns userId → role. */
async function checkRoom(expected: Map<string, 1 | 2>, sessions: Map<string, string>): Promise<void> {
  const members = [...readCollection(cloud.dataDir, Collections.members).values()].filter((m) => m.roomKey === ROOM_KEY);
  const presence = [...readCollection(cloud.dataDir, Collections.presence).values()].filter((p) => p.roomKey === ROOM_KEY);
  const room = readCollection(cloud.dataDir, Collections.rooms).get(ROOM_KEY);

  // Exactly the expected members, each with the expected role.
  const held = new Map(members.map((m) => [m.userId as string, m.role as number]));
  expect(held.size).toBe(members.length);
  expect([...held.entries()].sort()).toEqual([...expected.entries()].sort());
  // Presence ↔ member one to one, each with the session its last acknowledged join got.
  expect(presence.map((p) => p._id).sort()).toEqual(members.map((m) => m._id).sort());
  for (const p of presence) expect({ user: p.userId, session: p.sessionId }).toEqual({ user: p.userId, session: sessions.get(p.userId as string) });

  const anchors = [...expected.values()].filter((r) => r === 1).length;
  const audience = expected.size - anchors;
  expect(room).toMatchObject({ broadcasterCount: anchors, audienceCount: audience });

  // The same through the client and the function.
  const watcher = clientOf('observer').database().collection(Collections.members);
  expect((await watcher.where({ roomKey: ROOM_KEY, role: 1 }).count()).total).toBe(anchors);
  expect((await watcher.where({ roomKey: ROOM_KEY, role: 2 }).count()).total).toBe(audience);
  const [someone, sid] = [...sessions.entries()].find(([u]) => expected.has(u)) as [string, string];
  const asSomeone = (a: 'getRoomMemberCount') => callOk(clientOf(someone), a, session(someone, sid));
  expect(await asSomeone('getRoomMemberCount')).toEqual({ total: expected.size, broadcasterCount: anchors, audienceCount: audience });

  // The audience list pages through everyone once.
  const listed: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await callOk(clientOf(someone), 'getAudienceList', { ...session(someone, sid), pageSize: 100, cursor });
    listed.push(...page.members);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const ids = listed.map((m) => m.userId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([...expected.entries()].filter(([, r]) => r === 2).map(([u]) => u).sort());
}

describe('1,000 concurrent calls on one room', () => {
  const expected = new Map<string, 1 | 2>();
  const sessions = new Map<string, string>();

  test('1,000 concurrent joins: counts exact, no duplicate, no ghost', async () => {
    const users = Array.from({ length: N }, (_, i) => `u${pad(i)}`);
    const role = (i: number): 1 | 2 => (i % 10 === 0 ? 1 : 2);
    const replies = await Promise.all(users.map((u, i) => callOk(clientOf(u), 'joinRoom', joinParams(ROOM, u, role(i)))));
    users.forEach((u, i) => {
      expected.set(u, role(i));
      sessions.set(u, replies[i].sessionId);
    });
    expect(new Set(replies.map((r) => r.sessionId)).size).toBe(N);
    await checkRoom(expected, sessions);
  }, 60_000);

  test('1,000 concurrent leaves, role changes and joins, with races on the same member: still exact', async () => {
    const sid = (u: string) => session(u, sessions.get(u) as string);
    const ops: Array<Promise<void>> = [];
    // 300 leaves.
    for (let i = 0; i < 300; i++) {
      const u = `u${pad(i)}`;
      ops.push(callOk(clientOf(u), 'leaveRoom', sid(u)).then((r) => {
        expect(r.left).toBe(true);
        expected.delete(u);
      }));
    }
    // 250 role flips.
    for (let i = 300; i < 550; i++) {
      const u = `u${pad(i)}`;
      const to: 1 | 2 = expected.get(u) === 1 ? 2 : 1;
      ops.push(callOk(clientOf(u), 'setRole', { ...sid(u), role: to }).then((r) => {
        expect(r.member.role).toBe(to);
        expected.set(u, to);
      }));
    }
    // 250 new joins, a fifth of them anchors.
    for (let i = 0; i < 250; i++) {
      const u = `n${pad(i)}`;
      const role: 1 | 2 = i % 5 === 0 ? 1 : 2;
      ops.push(callOk(clientOf(u), 'joinRoom', joinParams(ROOM, u, role)).then((r) => {
        expected.set(u, role);
        sessions.set(u, r.sessionId);
      }));
    }
    // 25 members and 25 newcomers each join twice at once, once as anchor and once as audience (100
    // calls): one seat each, counted once, with the role and session of the join that landed last.
    const rejoiners = [...Array.from({ length: 25 }, (_, i) => `u${pad(550 + i)}`), ...Array.from({ length: 25 }, (_, i) => `n${pad(250 + i)}`)];
    const rejoined: Array<Promise<void>> = [];
    for (const u of rejoiners) {
      const twice = ([1, 2] as const).map((role) => callOk(clientOf(u), 'joinRoom', joinParams(ROOM, u, role)));
      ops.push(...twice.map((p) => p.then(() => undefined)));
      rejoined.push(Promise.all(twice).then((replies) => {
        // Member versions order the two joins' commits: the later one holds the seat.
        const [first, last] = [...replies].sort((a, b) => a.member.version - b.member.version);
        expect(last.member.version).toBeGreaterThan(first.member.version);
        expected.set(u, last.member.role === 1 ? 1 : 2);
        sessions.set(u, last.sessionId);
      }));
    }
    // 50 members leave and change role at once (100 calls): whichever lands first, they end up out.
    for (let i = 600; i < 650; i++) {
      const u = `u${pad(i)}`;
      const to: 1 | 2 = expected.get(u) === 1 ? 2 : 1;
      ops.push(callOk(clientOf(u), 'leaveRoom', sid(u)).then((r) => {
        expect(r.left).toBe(true);
        expected.delete(u);
      }));
      ops.push(call(clientOf(u), 'setRole', { ...sid(u), role: to }).then((r) => {
        expect(r.ok ? 'ok' : r.error.code).toMatch(/^(ok|NOT_IN_ROOM)$/);
      }));
    }
    expect(ops).toHaveLength(1000);
    await Promise.all([...ops, ...rejoined]);
    expect(expected.size).toBe(N - 300 - 50 + 250 + 25);
    await checkRoom(expected, sessions);
    // No member document without its presence, for any room id the store holds.
    const presence = readCollection(cloud.dataDir, Collections.presence);
    for (const id of readCollection(cloud.dataDir, Collections.members).keys()) expect(presence.has(id)).toBe(true);
    expect(presence.has(memberIdOf(ROOM_KEY, 'u0000'))).toBe(false);
  }, 60_000);
});
