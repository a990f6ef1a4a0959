/**
 * The scripted room `npm start` / `npm run demo` plays on the local cloud: a class fills and empties,
 * driven through the wx.cloud-shaped client, and every roster change is printed as the watch delivers it.
 */
import { computeToken } from '../shared/token';
import { Collections, Timing, roomKeyOf } from '../shared';
import type { ActionName, ActionRequest, ActionResponse, Reply } from '../shared';
import { createCloudClient } from './client';

/** What the demo needs of a running local cloud. */
export interface DemoCloud {
  url: string;
}

type Client = ReturnType<typeof createCloudClient>;
type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

const APP_ID = 'demo-app';
const APP_KEY = 'demo-key';
const ROOM = 'demo-class';

async function call<A extends ActionName>(client: Client, action: A, payload: ActionRequest<A>): Promise<ActionResponse<A>> {
  const res = await client.callFunction({ name: 'jrtc', data: { action, ...payload } });
  const reply = res.result as Reply<ActionResponse<A>>;
  if (!reply.ok) throw new Error(`${action}: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

async function join(url: string, userId: string, role: 1 | 2, nickName: string): Promise<{ client: Client; session: Session }> {
  const client = createCloudClient({ url, openid: `demo-openid-${userId}` });
  const nonce = `demo-${userId}-${Date.now()}`;
  const timestamp = Date.now() + 3600_000;
  const token = computeToken({ appId: APP_ID, appKey: APP_KEY, roomId: ROOM, userId, timestamp, nonce });
  const joined = await call(client, 'joinRoom', { appId: APP_ID, token, userId, role, nonce, timestamp, userRoomId: ROOM, nickName });
  return { client, session: { appId: APP_ID, userRoomId: ROOM, userId, sessionId: joined.sessionId } };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Change {
  queueType: string;
  dataType: string;
  docId: string;
  doc?: Record<string, unknown>;
  updatedFields?: Record<string, unknown>;
}

/** Describes one watched member change in words. */
function describe(c: Change, roster: Map<string, Record<string, unknown>>): string | null {
  const doc = c.doc ?? roster.get(c.docId) ?? {};
  const who = String(doc.nickName || doc.userId || c.docId.split(':').pop());
  const role = (r: unknown): string => (r === 1 ? 'anchor' : 'audience');
  if (c.queueType === 'init') return `  = ${who} (${role(doc.role)}) already here`;
  if (c.queueType === 'enqueue') return `  + ${who} joined as ${role(doc.role)}`;
  if (c.queueType === 'dequeue') return `  - ${who} left`;
  const f = c.updatedFields ?? {};
  if ('role' in f) return `  ~ ${who} is now ${role(f.role)}`;
  if ('stream.publishing' in f) return `  ~ ${who} ${f['stream.publishing'] ? 'started' : 'stopped'} publishing`;
  if (f.stream && typeof f.stream === 'object') {
    const s = f.stream as { publishing?: boolean };
    return `  ~ ${who} ${s.publishing ? 'started' : 'stopped'} publishing`;
  }
  return null;
}

/**
 * Plays the scenario. Resolves with true when the room ended empty with exact counts.
 * `log` receives each line (stdout by default).
 */
export async function runDemo(cloud: DemoCloud, options: { log?: (line: string) => void } = {}): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line));
  const roomKey = roomKeyOf(APP_ID, ROOM);
  const observer = createCloudClient({ url: cloud.url, openid: 'demo-observer' }).database();
  const roster = new Map<string, Record<string, unknown>>();
  let lastCounts = '';
  const memberWatch = observer
    .collection(Collections.members)
    .where({ roomKey })
    .watch({
      onChange: (snapshot: { docChanges: Change[] }) => {
        for (const c of snapshot.docChanges) {
          const line = describe(c, roster);
          if (c.queueType === 'dequeue') roster.delete(c.docId);
          else if (c.doc) roster.set(c.docId, c.doc);
          if (line) log(line);
        }
      },
      onError: (err: unknown) => log(`  ! member watch error: ${String(err)}`),
    });
  const roomWatch = observer
    .collection(Collections.rooms)
    .doc(roomKey)
    .watch({
      onChange: (snapshot: { docs: Record<string, unknown>[] }) => {
        const room = snapshot.docs[0];
        if (!room) return;
        const counts = `    room: ${room.broadcasterCount} anchor(s), ${room.audienceCount} listener(s)`;
        if (counts !== lastCounts) log((lastCounts = counts));
      },
      onError: (err: unknown) => log(`  ! room watch error: ${String(err)}`),
    });

  try {
    log(`Demo class "${ROOM}" on ${cloud.url}`);
    await pause(200);
    const teacher = await join(cloud.url, 'teacher', 1, 'Teacher Li');
    await pause(150);
    const published = await call(teacher.client, 'publish', teacher.session);
    log(`    teacher's push URL: ${published.pushUrl}`);
    const students = [];
    for (let i = 1; i <= 5; i++) {
      students.push(await join(cloud.url, `student-${i}`, 2, `Student ${i}`));
      await pause(100);
    }
    const pull = await call(students[0].client, 'subscribe', students[0].session);
    log(`    student-1 plays: ${pull.streams.map((s) => s.url).join(', ')}`);

    log('Student 3 takes the stage:');
    await call(students[2].client, 'setRole', { ...students[2].session, role: 1 });
    await pause(150);
    await call(students[2].client, 'publish', students[2].session);
    await pause(150);
    await call(students[2].client, 'setRole', { ...students[2].session, role: 2 });
    await pause(150);

    log('Student 1 leaves; student 5 vanishes without leaving (the clock jumps past its lease):');
    await call(students[0].client, 'leaveRoom', students[0].session);
    await pause(150);
    const alive = [teacher, students[1], students[2], students[3]];
    for (const step of [Timing.leaseMs / 2, Timing.leaseMs / 2 + 1000]) {
      await fetch(`${cloud.url}/v1/admin/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: step }),
      });
      for (const m of alive) await call(m.client, 'heartbeat', m.session);
    }
    await pause(200);

    log('Class over, everyone leaves:');
    for (const m of alive.slice(1)) {
      await call(m.client, 'leaveRoom', m.session);
      await pause(100);
    }
    await call(teacher.client, 'leaveRoom', teacher.session);
    await pause(300);
    const room = await observer.collection(Collections.rooms).doc(roomKey).get();
    const data = room.data as Record<string, unknown> | null;
    const empty = roster.size === 0 && data?.broadcasterCount === 0 && data?.audienceCount === 0;
    log(empty ? 'The room is empty; counts are exact.' : `Unexpected end state: ${JSON.stringify(data)}`);
    return empty;
  } finally {
    await memberWatch.close();
    await roomWatch.close();
  }
}
