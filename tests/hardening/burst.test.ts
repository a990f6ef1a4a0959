/**
 * A class arrives at once: 100 phones (each its own OPENID and userId) join one room at the same
 * moment through callFunction, and two function instances are killed (SIGKILL) in the middle of the
 * burst. A phone whose call died with its instance calls again with the same token (an idempotent
 * rejoin), as a page does. The dead call may leave its transaction open, holding that user's own
 * documents locked until CloudBase's 30 s transaction timeout: that phone's retry then answers BUSY
 * (typed, retryable) and its next retry gets in. Nobody else waits on it. Afterwards the member documents, the room document (once the timer sweep
 * has recounted it), getRoomMemberCount and the paged lists agree exactly, nobody is listed twice,
 * and no call was answered with an error: a write conflict is retried inside the function (the
 * joins of different members do not conflict at all, cloudfunctions/jrtc/src/roster.ts), never
 * answered INTERNAL.
 */
import { childPids } from '../../bench/measures/instanceMemory';
import { createCloudClient } from '../../emulator/client/client';
import { COUNT_SETTLE_MS } from '../../cloudfunctions/jrtc/src/sweep';
import { Collections, roomKeyOf } from '../../shared';
import type { ActionResponse, Member } from '../../shared';
import { startCloudProcess } from '../helpers/cloudProcess';
import type { CloudProcess } from '../helpers/cloudProcess';
import { APP_ID, call, callOk, joinParams } from '../helpers/room';
import type { Client } from '../helpers/room';
import { readCollection } from './support/dataDir';

const ROOM = 'class-at-once';
const ROOM_KEY = roomKeyOf(APP_ID, ROOM);
const N = 100;
/** Instances killed once this many joins were acknowledged. */
const KILL_AFTER = 30;

let cloud: CloudProcess;
beforeAll(async () => {
  cloud = await startCloudProcess({ args: ['--env', 'JRTC_LEASE_MS=3600000'] });
});
afterAll(async () => {
  await cloud.stop();
});

test('100 phones join one room at once while instances are killed: no failure, every view agrees', async () => {
  const users = Array.from({ length: N }, (_, i) => `s${String(i).padStart(3, '0')}`);
  const role = (i: number): 1 | 2 => (i % 10 === 0 ? 1 : 2);
  const clients = new Map<string, Client>(users.map((u) => [u, createCloudClient({ url: cloud.url, openid: `openid-${u}` })]));
  let acknowledged = 0;
  let killed: number[] = [];
  let retriedAfterKill = 0;
  const busy = new Set<string>();
  const errorReplies: string[] = [];

  const join = async (u: string, i: number): Promise<ActionResponse<'joinRoom'>> => {
    const params = joinParams(ROOM, u, role(i)); // one token per phone, reused by its retries
    for (;;) {
      let reply;
      try {
        reply = await call(clients.get(u) as Client, 'joinRoom', params);
      } catch (err) {
        // The call died with its instance (SIGKILL): the page calls again.
        if (killed.length === 0) throw err;
        retriedAfterKill += 1;
        continue;
      }
      if (!reply.ok && reply.error.code === 'BUSY' && killed.length > 0) {
        busy.add(u);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        continue;
      }
      if (!reply.ok) {
        errorReplies.push(`${u}: ${reply.error.code} ${reply.error.message}`);
        throw new Error(reply.error.code);
      }
      acknowledged += 1;
      if (acknowledged === KILL_AFTER) {
        killed = childPids(cloud.pid).slice(0, 2);
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      }
      return reply.data;
    }
  };
  const replies = await Promise.all(users.map((u, i) => join(u, i)));
  expect(errorReplies).toEqual([]);
  expect(killed.length).toBe(2);
  // Only a phone whose own call died can find its documents locked: at most one per killed instance.
  expect(busy.size).toBeLessThanOrEqual(killed.length);
  process.stdout.write(`burst: ${N} joins, 2 instances killed after ${KILL_AFTER}, ${retriedAfterKill} calls repeated, ${busy.size} phones answered BUSY once or more\n`);

  // Member and presence documents: exactly the 100, one to one, each with its acknowledged session.
  const members = [...readCollection(cloud.dataDir, Collections.members).values()].filter((m) => m.roomKey === ROOM_KEY);
  const presence = [...readCollection(cloud.dataDir, Collections.presence).values()].filter((p) => p.roomKey === ROOM_KEY);
  expect(members.map((m) => m.userId).sort()).toEqual([...users].sort());
  expect(presence.map((p) => p._id).sort()).toEqual(members.map((m) => m._id).sort());
  const sessionOf = new Map(users.map((u, i) => [u, replies[i].sessionId]));
  for (const p of presence) expect({ user: p.userId, session: p.sessionId }).toEqual({ user: p.userId, session: sessionOf.get(p.userId as string) });
  const anchors = users.filter((_, i) => role(i) === 1).length;
  const counts = { broadcasterCount: anchors, audienceCount: N - anchors };

  // getRoomMemberCount counts member documents: exact at once.
  const asFirst = { appId: APP_ID, userRoomId: ROOM, userId: users[0], sessionId: replies[0].sessionId };
  const first = clients.get(users[0]) as Client;
  expect(await callOk(first, 'getRoomMemberCount', asFirst)).toEqual({ total: N, ...counts });

  // The room document: exact, or (an instance killed between a commit and its increment) marked
  // for the sweep, which recounts it on its next runs.
  await cloud.fireTimer('jrtcSweep');
  await cloud.advanceClock(COUNT_SETTLE_MS);
  await cloud.fireTimer('jrtcSweep');
  const room = readCollection(cloud.dataDir, Collections.rooms).get(ROOM_KEY);
  expect(room).toMatchObject({ ...counts, countsDirty: false });

  // The paged lists: everyone once.
  const listed: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await callOk(first, 'getAudienceList', { ...asFirst, pageSize: 30, cursor });
    listed.push(...page.members);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const broadcasterList = await callOk(first, 'getBroadcasterList', asFirst);
  const ids = [...listed, ...broadcasterList.members].map((m) => m.userId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([...users].sort());
}, 120_000);
