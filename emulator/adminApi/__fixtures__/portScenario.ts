/**
 * The Database port (cloudfunctions/jrtc/src/ports.ts) used the way the jrtc core uses it,
 * returning what it saw as JSON. The test runs it twice: in a child process over platformDatabase()
 * (the real wx-server-sdk configured by environment, as in a function) and in the test process over
 * the unit tests' database (sdkDatabase.ts: the same SDK configured per instance), and expects the
 * same answers: any difference means the core's unit tests see another database than functions do.
 */
import type { Database, DocData } from '../../../cloudfunctions/jrtc/src/ports';
import { transact } from '../../../cloudfunctions/jrtc/src/transact';

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
  Object.assign(r, await lockRules(db, prefix));
  return r;
}

/** A promise and its resolve, to hold a transaction open at a chosen point. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** How a failure looks to the caller: the errCode, and whether a `code` survived (it must not). */
async function failure(fn: () => Promise<unknown>): Promise<{ errCode: unknown; code: unknown } | 'resolved'> {
  try {
    await fn();
    return 'resolved';
  } catch (err) {
    const e = err as { errCode?: unknown; code?: unknown };
    return { errCode: e.errCode, code: e.code ?? null };
  }
}

/**
 * CloudBase's transaction lock model (小程序云开发 guide, 数据库事务; store/lockTx.ts), one rule per
 * key, each observed through the port: the real wx-server-sdk over the Admin API, configured as in
 * a function and as in the unit tests.
 */
async function lockRules(db: Database, prefix: string): Promise<Record<string, unknown>> {
  const _ = db.command;
  const name = `${prefix}locks`;
  const docs = db.collection(name);
  const nOf = async (id: string): Promise<unknown> => (await docs.doc(id).get()).data?.n;
  for (const id of ['bob', 'alice', 'carol', 'dave', 'frank']) await docs.doc(id).set({ data: { n: 0 } });
  const r: Record<string, unknown> = {};

  // 1. First writer wins at the write: the second transaction's write fails at once, inside its
  //    callback, as -501001 without a code, and the platform's own retry (default 3) does not fire.
  {
    const wrote = gate();
    const release = gate();
    const winner = db.runTransaction(async (tx) => {
      await tx.collection(name).doc('bob').update({ data: { n: _.inc(1) } });
      wrote.open();
      await release.promise;
      return 'committed';
    });
    await wrote.promise;
    let loserRuns = 0;
    const loser = await failure(() =>
      db.runTransaction(async (tx) => {
        loserRuns += 1;
        await tx.collection(name).doc('bob').update({ data: { n: _.inc(10) } });
      }),
    );
    release.open();
    r.lockFirstWriterWins = { loser, loserRuns, winner: await winner, n: await nOf('bob') };
  }

  // 2. A plain write of a locked document waits for the commit, then applies over it.
  {
    const wrote = gate();
    const release = gate();
    const order: string[] = [];
    const holder = db.runTransaction(async (tx) => {
      await tx.collection(name).doc('alice').set({ data: { n: 100 } });
      wrote.open();
      await release.promise;
      order.push('commit');
    });
    await wrote.promise;
    const plain = docs.doc('alice').update({ data: { n: _.inc(5) } }).then(() => order.push('plain write done'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    order.push('released');
    release.open();
    await Promise.all([holder, plain]);
    r.lockPlainWriteWaits = { order, n: await nOf('alice') };
  }

  // 3. Snapshot reads: a document first read after an outside write shows the state at the
  //    transaction's start, and writing it then conflicts; the transaction itself still commits.
  {
    r.lockSnapshotRead = await db.runTransaction(async (tx) => {
      await docs.doc('carol').update({ data: { n: _.inc(7) } });
      const seen = (await tx.collection(name).doc('carol').get()).data?.n;
      const write = await failure(() => tx.collection(name).doc('carol').update({ data: { n: 1 } }));
      return { seen, write };
    });
    r.lockSnapshotAfter = await nOf('carol');
  }

  // 4. A document only read is no conflict: changed outside, the transaction commits.
  {
    r.lockReadOnlyNoConflict = await failure(() =>
      db.runTransaction(async (tx) => {
        await tx.collection(name).doc('dave').get();
        await docs.doc('dave').update({ data: { n: _.inc(1) } });
        await tx.collection(name).doc('alice').update({ data: { n: _.inc(1) } });
      }),
    );
    r.lockReadOnlyAfter = { dave: await nOf('dave'), alice: await nOf('alice') };
  }

  // 5. transact() retries the SDK's conflict shape with backoff until the lock is gone.
  {
    const wrote = gate();
    const release = gate();
    const holder = transact(db, async (tx) => {
      await tx.collection(name).doc('frank').update({ data: { n: _.inc(1) } });
      wrote.open();
      await release.promise;
    });
    await wrote.promise;
    let attempts = 0;
    const second = transact(db, async (tx) => {
      attempts += 1;
      if (attempts === 2) release.open();
      await tx.collection(name).doc('frank').update({ data: { n: _.inc(1) } });
    });
    await Promise.all([holder, second]);
    r.lockTransactRetries = { retried: attempts >= 2, n: await nOf('frank') };
  }
  return r;
}
