/**
 * The Database port (cloudfunctions/jrtc/src/ports.ts) used the way the jrtc core uses it,
 * returning what it saw as JSON. The test runs it twice: over the local cloud's in-process
 * database (emulator/database/localDatabase.ts) and, in a child process, over platformDatabase() — the
 * real wx-server-sdk talking to the Admin API — and expects the same answers: any difference is
 * a divergence between what the core assumes and what the platform does.
 */
import type { Database, DocData } from '../../../cloudfunctions/jrtc/src/ports';

/** Removes wx-server-sdk's `errMsg` decorations so both databases' answers compare as the port types them. */
function portView<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => portView(v)) as unknown as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (k !== 'errMsg') out[k] = portView(v);
    return out as T;
  }
  return value;
}

/** A rejection is compared by the `errCode` wx-server-sdk's errors carry (the class differs by nature). */
async function outcome<T>(fn: () => Promise<T>): Promise<{ ok: T } | { rejected: unknown }> {
  try {
    return { ok: portView(await fn()) };
  } catch (err) {
    return { rejected: (err as { errCode?: unknown } | null)?.errCode };
  }
}

class Refusal extends Error {}

/** Runs the port scenario on `db`; collections are prefixed with `prefix` so runs never meet. */
export async function runPortScenario(db: Database, prefix: string): Promise<Record<string, unknown>> {
  const _ = db.command;
  const rooms = db.collection(`${prefix}rooms`);
  const r: Record<string, unknown> = {};
  const added = await rooms.add({ data: { roomKey: 'a', members: 1, phase: 'live' } });
  r.addIdIsString = typeof added._id === 'string' && added._id.length > 0;
  r.addWithId = await outcome(() => rooms.add({ data: { _id: 'room-b', roomKey: 'b', members: 2, phase: 'live' } }));
  r.addBadCollection = await outcome(() => db.collection('no such/name').add({ data: { x: 1 } }));
  r.addTaken = await outcome(() => rooms.add({ data: { _id: 'room-b', roomKey: 'b' } }));
  r.getMissing = await outcome(() => rooms.doc('room-zzz').get());
  r.getB = await outcome(() => rooms.doc('room-b').get());
  r.set = await outcome(() => rooms.doc('room-c').set({ data: { roomKey: 'c', members: 3, phase: 'idle', stage: { a: 1 } } }));
  r.update = await outcome(() => rooms.doc('room-c').update({ data: { members: _.inc(2), phase: _.remove(), stage: { b: 2 } } }));
  r.getC = await outcome(() => rooms.doc('room-c').get());
  r.updateMissing = await outcome(() => rooms.doc('room-zzz').update({ data: { members: 1 } }));
  r.query = await outcome(() => rooms.where({ members: _.gte(2), roomKey: _.in(['b', 'c']) }).orderBy('members', 'desc').limit(1).skip(1).get());
  r.count = await outcome(() => rooms.where({ roomKey: _.neq('a') }).count());
  r.whereUpdate = await outcome(() => rooms.where({ members: _.lt(3) }).update({ data: { small: true } }));
  r.whereRemove = await outcome(() => rooms.where({ small: true, roomKey: _.nin(['b']) }).remove());
  r.txCommit = await outcome(() =>
    db.runTransaction(async (tx) => {
      const c = tx.collection(`${prefix}rooms`);
      const b = await c.doc('room-b').get();
      const none = await c.doc('room-none').get();
      await c.doc('room-b').update({ data: { members: _.inc(1) } });
      const setD = portView(await c.doc('room-d').set({ data: { roomKey: 'd', members: 0 } } as { data: DocData }));
      const bAfter = await c.doc('room-b').get();
      const removed = await c.doc('room-c').remove();
      const add = await c.add({ data: { _id: 'room-e', roomKey: 'e' } });
      return { b, none, setD, bAfter, removed, add };
    }),
  );
  const refusal = new Refusal('no');
  let thrown: unknown;
  try {
    await db.runTransaction(async (tx) => {
      await tx.collection(`${prefix}rooms`).doc('room-b').update({ data: { members: _.inc(100) } });
      throw refusal;
    });
  } catch (err) {
    thrown = err;
  }
  r.txThrowRethrowsSameError = thrown === refusal;
  r.final = await outcome(() => rooms.orderBy('roomKey', 'asc').get());
  const finalDocs = (r.final as { ok?: { data: DocData[] } }).ok?.data ?? [];
  // The random id of the first add differs between runs.
  r.final = finalDocs.map((d) => (d.roomKey === 'a' ? { ...d, _id: '<random>' } : d));
  return r;
}
