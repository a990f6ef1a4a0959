import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Database, DbTransaction } from '../../shared/ports';
import { databaseDefinition, storeIndexes } from '../../shared/database';
import { openSdkDatabase, type SdkDatabase, type SdkDatabaseOptions } from './sdkDatabase';
import type { ChangeEvent } from '../store/store';
import { DocumentStore } from '../store/store';

const defaultIndexes = storeIndexes(databaseDefinition);
/** The collections these tests use, created through the SDK's own db.createCollection. */
const COLLECTIONS = [...Object.keys(databaseDefinition), 'c', 'notes', 'log', 'batch', 'many', 'things'];

async function createCollections(on: SdkDatabase): Promise<void> {
  for (const name of COLLECTIONS) await on.db.createCollection(name);
}

let store: DocumentStore;
let sdk: SdkDatabase;
let db: Database;

beforeEach(async () => {
  store = await DocumentStore.open({ indexes: defaultIndexes });
  sdk = await openSdkDatabase(store, { throwOnNotFound: false });
  await createCollections(sdk);
  db = sdk.db as unknown as Database;
});

afterEach(async () => {
  await sdk.close();
  await store.close();
});

/** A result without wx-server-sdk's `errMsg` decorations (`document.get:ok`), as the port types it. */
function view<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => view(v)) as unknown as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'errMsg').map(([k, v]) => [k, view(v)])) as T;
  }
  return value;
}

/** Another database of the real SDK on the same store, closed after the test. */
async function another(on: DocumentStore, options: SdkDatabaseOptions = {}): Promise<Database> {
  // The same store's collections: its catalog, or (another store) a new one with them created.
  const extra = await openSdkDatabase(on, { catalog: on === store ? sdk.catalog : undefined, ...options });
  if (on !== store) await createCollections(extra);
  extraDbs.push(extra);
  return extra.db as unknown as Database;
}
const extraDbs: SdkDatabase[] = [];
afterEach(async () => {
  await Promise.all(extraDbs.splice(0).map((d) => d.close()));
});

async function seedMembers(): Promise<void> {
  for (let i = 0; i < 12; i += 1) {
    await db
      .collection('jrtc_members')
      .doc(`r:u${String(i).padStart(2, '0')}`)
      .set({ data: { roomKey: 'r', userId: `u${String(i).padStart(2, '0')}`, role: i < 2 ? 1 : 2, n: i } });
  }
}

describe('documents', () => {
  it('set, get, update, remove with wx-server-sdk result shapes', async () => {
    const doc = db.collection('jrtc_rooms').doc('app:r');
    expect(view(await doc.get())).toEqual({ data: null });
    expect(view(await doc.set({ data: { count: 1, stage: { policy: 'open', locked: false } } }))).toEqual({
      _id: 'app:r',
      stats: { updated: 0, created: 1 },
    });
    expect(view(await doc.set({ data: { count: 2, stage: { policy: 'open', locked: false } } }))).toEqual({
      _id: 'app:r',
      stats: { updated: 1, created: 0 },
    });
    expect(view(await doc.update({ data: { stage: { locked: true }, count: db.command.inc(3) } }))).toEqual({ stats: { updated: 1 } });
    expect(view(await doc.get())).toEqual({ data: { _id: 'app:r', count: 5, stage: { policy: 'open', locked: true } } });
    expect(view(await doc.update({ data: { stage: db.command.remove() } }))).toEqual({ stats: { updated: 1 } });
    expect(view(await doc.get())).toEqual({ data: { _id: 'app:r', count: 5 } });
    expect(view(await doc.remove())).toEqual({ stats: { removed: 1 } });
    expect(view(await doc.remove())).toEqual({ stats: { removed: 0 } });
    expect(view(await doc.update({ data: { count: 1 } }))).toEqual({ stats: { updated: 0 } });
    expect(view(await doc.get())).toEqual({ data: null });
  });

  it('set replaces the whole document and refuses _id and commands in data', async () => {
    const doc = db.collection('c').doc('a');
    await doc.set({ data: { a: 1, b: 2 } });
    await doc.set({ data: { c: 3 } });
    expect(view(await doc.get())).toEqual({ data: { _id: 'a', c: 3 } });
    await expect(doc.set({ data: { _id: 'a', c: 4 } })).rejects.toMatchObject({ errCode: -501007, message: expect.stringMatching(/不能更新_id的值/) });
    await expect(doc.set({ data: { n: db.command.inc(1) } })).rejects.toMatchObject({ errCode: -502001, message: expect.stringMatching(/update operator complicit/) });
    expect(view(await doc.get())).toEqual({ data: { _id: 'a', c: 3 } });
  });

  it('add returns a random 32-hex _id, or the given one, and refuses a taken one', async () => {
    const { _id } = await db.collection('c').add({ data: { v: 1 } });
    expect(_id).toMatch(/^[0-9a-f]{32}$/);
    expect(view(await db.collection('c').doc(_id).get())).toEqual({ data: { _id, v: 1 } });
    expect(view(await db.collection('c').add({ data: { _id: 'mine', v: 2 } }))).toEqual({ _id: 'mine' });
    await expect(db.collection('c').add({ data: { _id: 'mine', v: 3 } })).rejects.toThrow(/already exists/);
    expect(view(await db.collection('c').count())).toEqual({ total: 2 });
  });

  it('add() of an array inserts every document in one request, beyond 1,000 too (the local cloud refused more than 1,000)', async () => {
    const docs = Array.from({ length: 1500 }, (_, i) => ({ i }));
    const before = sdk.admin.stats().requests;
    const added = (await (db.collection('batch') as unknown as { add(o: { data: unknown[] }): Promise<{ _ids: string[] }> }).add({ data: docs }));
    expect(sdk.admin.stats().requests - before).toBe(1);
    expect(added._ids).toHaveLength(1500);
    expect(new Set(added._ids).size).toBe(1500);
    expect(view(await db.collection('batch').count())).toEqual({ total: 1500 });
  });

  it('rejects doc.get of a missing document when throwOnNotFound is true (the default)', async () => {
    const strict = await another(store);
    await expect(strict.collection('c').doc('nope').get()).rejects.toThrow('document with _id nope does not exist');
    await strict.collection('c').doc('yes').set({ data: { v: 1 } });
    expect(view(await strict.collection('c').doc('yes').get())).toEqual({ data: { _id: 'yes', v: 1 } });
  });

  it('hands out copies: mutating a result changes nothing stored', async () => {
    await db.collection('c').doc('a').set({ data: { nested: { v: 1 } } });
    const { data } = await db.collection('c').doc('a').get();
    (data?.nested as { v: number }).v = 99;
    expect(view(await db.collection('c').doc('a').get())).toEqual({ data: { _id: 'a', nested: { v: 1 } } });
  });
});

describe('queries', () => {
  it('where/orderBy/skip/limit/get/count with commands, immutably', async () => {
    await seedMembers();
    const _ = db.command;
    const audience = db.collection('jrtc_members').where({ roomKey: 'r', role: 2 });
    const page = audience.orderBy('userId', 'asc').limit(3);
    expect((await page.get()).data.map((d) => d.userId)).toEqual(['u02', 'u03', 'u04']);
    // The builder is immutable: page is unchanged by deriving another query from it.
    const next = page.where({ roomKey: 'r', role: 2, userId: _.gt('u04') });
    expect((await next.get()).data.map((d) => d.userId)).toEqual(['u05', 'u06', 'u07']);
    expect((await page.get()).data.map((d) => d.userId)).toEqual(['u02', 'u03', 'u04']);
    expect((await audience.orderBy('n', 'desc').skip(2).limit(2).get()).data.map((d) => d.n)).toEqual([9, 8]);
    expect(view(await audience.count())).toEqual({ total: 10 });
    expect(view(await db.collection('jrtc_members').where({ n: _.gte(3), role: _.neq(1) }).count())).toEqual({ total: 9 });
    expect(view(await db.collection('jrtc_members').where({ n: _.in([0, 5]) }).count())).toEqual({ total: 2 });
    expect(view(await db.collection('jrtc_members').where({ n: _.nin([0, 5]), role: _.lte(1) }).count())).toEqual({ total: 1 });
    expect(view(await db.collection('jrtc_members').where({ n: _.lt(1) }).count())).toEqual({ total: 1 });
  });

  it('returns at most 100 documents by default and 1000 at most', async () => {
    await store.transact(async (tx) => {
      for (let i = 0; i < 1100; i += 1) tx.put('many', `d${String(i).padStart(4, '0')}`, { i });
    });
    const many = db.collection('many');
    expect((await many.get()).data).toHaveLength(100);
    expect((await many.limit(5000).get()).data).toHaveLength(1000);
    expect((await many.orderBy('i', 'asc').skip(1095).limit(10).get()).data.map((d) => d.i)).toEqual([1095, 1096, 1097, 1098, 1099]);
    // @cloudbase/database drops a zero limit (falsy) and sends the default; a negative offset
    // reaches the Admin API, which refuses it; a bad direction is refused by the SDK itself.
    expect((await many.limit(0).get()).data).toHaveLength(100);
    await expect(many.skip(-1).get()).rejects.toMatchObject({ errCode: -501007, message: expect.stringMatching(/offset/) });
    expect(() => many.orderBy('i', 'up' as 'asc')).toThrow('排序字符不合法');
  });

  it('update and remove on a query, with nested merge semantics', async () => {
    await seedMembers();
    const _ = db.command;
    const events: ChangeEvent[] = [];
    store.onChange((e) => events.push(e));
    const anchors = db.collection('jrtc_members').where({ roomKey: 'r', role: 1 });
    expect(view(await anchors.update({ data: { stream: { publishing: true }, n: _.inc(100) } }))).toEqual({ stats: { updated: 2 } });
    expect(view(await anchors.update({ data: { stream: { muted: false } } }))).toEqual({ stats: { updated: 2 } });
    expect((await anchors.orderBy('userId', 'asc').get()).data[0]).toEqual({
      _id: 'r:u00',
      roomKey: 'r',
      userId: 'u00',
      role: 1,
      n: 100,
      stream: { publishing: true, muted: false },
    });
    expect(events[2].updatedFields).toEqual({ 'stream.muted': false });
    expect(view(await db.collection('jrtc_members').where({ stream: { publishing: true } }).count())).toEqual({ total: 2 });
    expect(view(await db.collection('jrtc_members').where({ n: _.gte(100) }).remove())).toEqual({ stats: { removed: 2 } });
    expect(view(await db.collection('jrtc_members').count())).toEqual({ total: 10 });
  });

  it('array indexes in update paths, as MongoDB: set and inc an element, pad past the end with null, remove() leaves null', async () => {
    // The vendor SDK flattens {arr: {1: x}} to the dot path 'arr.1'; CloudBase (MongoDB) writes the
    // element. The local cloud used to refuse the set and answer updated: 1 for a remove it ignored.
    const _ = db.command;
    const doc = db.collection('c').doc('a');
    await doc.set({ data: { arr: [1, 2, 3], list: [{ n: 1 }, { n: 2 }] } });
    expect(view(await doc.update({ data: { arr: { 1: 'two' }, 'list.1.n': _.inc(40) } }))).toEqual({ stats: { updated: 1 } });
    expect((await doc.get()).data).toEqual({ _id: 'a', arr: [1, 'two', 3], list: [{ n: 1 }, { n: 42 }] });
    expect(view(await doc.update({ data: { arr: { 0: _.remove() }, 'arr.5': 6 } }))).toEqual({ stats: { updated: 1 } });
    expect((await doc.get()).data).toEqual({ _id: 'a', arr: [null, 'two', 3, null, null, 6], list: [{ n: 1 }, { n: 42 }] });
    await expect(doc.update({ data: { 'arr.x': 1 } })).rejects.toMatchObject({ errCode: -502001, message: expect.stringMatching(/in an array/) });
    expect((await doc.get()).data).toEqual({ _id: 'a', arr: [null, 'two', 3, null, null, 6], list: [{ n: 1 }, { n: 42 }] });
  });

  it('null means null or missing: where({f: null}) and eq(null) match documents without f; neq(null) is the complement', async () => {
    // MongoDB's meaning, which CloudBase follows (emulator/store/mongoQuery.ts).
    const c = db.collection('things');
    await c.add({ data: { _id: 'null', f: null } });
    await c.add({ data: { _id: 'one', f: 1 } });
    await c.add({ data: { _id: 'missing', g: 1 } });
    const _ = db.command;
    const ids = async (condition: Record<string, unknown>): Promise<string[]> =>
      (await c.where(condition).get()).data.map((d) => String(d._id)).sort();
    expect(view(await ids({ f: null }))).toEqual(['missing', 'null']);
    expect(view(await ids({ f: _.eq(null) }))).toEqual(['missing', 'null']);
    expect(view(await ids({ f: _.neq(null) }))).toEqual(['one']);
    expect(view(await c.where({ f: null }).count())).toEqual({ total: 2 });
    expect(view(await c.where({ f: null }).update({ data: { seen: true } }))).toEqual({ stats: { updated: 2 } });
    expect(view(await c.where({ f: _.neq(null) }).remove())).toEqual({ stats: { removed: 1 } });
    expect(view(await ids({}))).toEqual(['missing', 'null']);
  });

  it('refuses operators the local cloud does not match with a clear error; raw $set is the operator the SDK sends', async () => {
    await seedMembers();
    const members = db.collection('jrtc_members');
    await expect(members.where({ n: { $regex: 'a' } }).get()).rejects.toMatchObject({ errCode: -501007, message: expect.stringMatching(/\$regex/) });
    // The vendor serialiser passes a raw operator through as what it is, so CloudBase applies it.
    expect(view(await members.where({ n: 0 }).update({ data: { $set: { n: -1 } } }))).toEqual({ stats: { updated: 1 } });
    expect(view(await members.where({ n: -1 }).count())).toEqual({ total: 1 });
  });
});

describe('transactions', () => {
  it('commits doc-level writes together, and nothing when fn throws', async () => {
    await db.collection('jrtc_rooms').doc('r').set({ data: { audienceCount: 0 } });
    const result = await db.runTransaction(async (tx) => {
      const room = await tx.collection('jrtc_rooms').doc('r').get();
      await tx.collection('jrtc_members').doc('r:u1').set({ data: { role: 2 } });
      await tx.collection('jrtc_rooms').doc('r').update({ data: { audienceCount: db.command.inc(1) } });
      const added = await tx.collection('log').add({ data: { what: 'join' } });
      // Reads inside see the transaction's own writes.
      const after = await tx.collection('jrtc_rooms').doc('r').get();
      return { before: room.data?.audienceCount, after: after.data?.audienceCount, added: added._id };
    });
    expect(result.before).toBe(0);
    expect(result.after).toBe(1);
    expect((await db.collection('log').doc(result.added).get()).data).toEqual({ _id: result.added, what: 'join' });

    const events: ChangeEvent[] = [];
    store.onChange((e) => events.push(e));
    await expect(
      db.runTransaction(async (tx) => {
        await tx.collection('jrtc_members').doc('r:u1').remove();
        await tx.collection('jrtc_rooms').doc('r').update({ data: { audienceCount: db.command.inc(-1) } });
        throw new Error('policy says no');
      }),
    ).rejects.toThrow('policy says no');
    expect(events).toEqual([]);
    expect((await db.collection('jrtc_rooms').doc('r').get()).data).toEqual({ _id: 'r', audienceCount: 1 });
    expect((await db.collection('jrtc_members').doc('r:u1').get()).data).toEqual({ _id: 'r:u1', role: 2 });
  });

  it('lock model: 200 concurrent transactions on one document conflict as on CloudBase (-501001, no code), and the counter holds exactly the commits', async () => {
    await db.collection('jrtc_rooms').doc('r').set({ data: { count: 0 } });
    const increment = async (tx: DbTransaction): Promise<void> => {
      const { data } = await tx.collection('jrtc_rooms').doc('r').get();
      await tx.collection('jrtc_rooms').doc('r').set({ data: { count: (data?.count as number) + 1 } });
    };
    const once = await Promise.allSettled(Array.from({ length: 200 }, () => db.runTransaction(increment)));
    const failed = once.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    // Each conflict is the SDK's shape: -501001 and no code.
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect({ errCode: (f.reason as { errCode?: unknown }).errCode, code: (f.reason as { code?: unknown }).code }).toEqual({ errCode: -501001, code: undefined });
    const committed = once.length - failed.length;
    expect((await db.collection('jrtc_rooms').doc('r').get()).data).toEqual({ _id: 'r', count: committed });
  });

  it('stricter reading: operations of one transaction overlapping are refused (-502001), as code that overlaps them may fail on CloudBase', async () => {
    // Requests that overlap in time at the database: a round trip keeps each in flight.
    const slow = await another(store, { latencyMs: 20, throwOnNotFound: false });
    const overlapping = slow.runTransaction(async (tx) => {
      await Promise.all([tx.collection('c').doc('a').get(), tx.collection('c').doc('b').get()]);
    });
    await expect(overlapping).rejects.toMatchObject({ errCode: -502001, message: expect.stringMatching(/another was in flight/) });
    await expect(
      slow.runTransaction(async (tx) => {
        await tx.collection('c').doc('a').get();
        await tx.collection('c').doc('b').get();
        return 'one after another';
      }),
    ).resolves.toBe('one after another');
  });

  it('honours throwOnNotFound inside transactions too', async () => {
    const strict = await another(store);
    await expect(strict.runTransaction((tx) => tx.collection('c').doc('missing').get())).rejects.toThrow(
      'document with _id missing does not exist',
    );
    expect(view(await db.runTransaction((tx) => tx.collection('c').doc('missing').get()))).toEqual({ data: null });
  });
});

describe('with a persistent store', () => {
  it('reads back what it wrote after a reopen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-localdb-'));
    try {
      const first = await DocumentStore.open({ dir, indexes: defaultIndexes });
      const { _id } = await (await another(first)).collection('jrtc_users').add({ data: { openid: 'o1' } });
      await first.close();
      const second = await DocumentStore.open({ dir, indexes: defaultIndexes });
      try {
        expect(view(await (await another(second)).collection('jrtc_users').doc(_id).get())).toEqual({ data: { _id, openid: 'o1' } });
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
