import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collections } from '../../shared/constants';
import { databaseDefinition, storeIndexes } from '../../shared/database';

const defaultIndexes = storeIndexes(databaseDefinition);
import type { ChangeEvent, StoredDoc } from './store';
import { DatabaseError, DocumentStore } from './store';
import { JOURNAL_FILE } from './storeJournal';
import { runKilledWriter } from '../__fixtures__/killedWriter';

const tempDirs: string[] = [];
const openStores: DocumentStore[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-store-'));
  tempDirs.push(dir);
  return dir;
}

async function open(options: Parameters<typeof DocumentStore.open>[0] = {}): Promise<DocumentStore> {
  const store = await DocumentStore.open(options);
  openStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((s) => s.close()));
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function record(store: DocumentStore): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  store.onChange((e) => events.push(e));
  return events;
}

describe('persistence', () => {
  it('keeps data across close and reopen from the same dir', async () => {
    const dir = tempDir();
    const first = await DocumentStore.open({ dir, indexes: defaultIndexes });
    await first.put('jrtc_rooms', 'app:r1', { broadcasterCount: 1, stage: { policy: 'open' } });
    await first.put('jrtc_rooms', 'app:r2', { broadcasterCount: 2 });
    await first.patch('jrtc_rooms', 'app:r1', { $inc: { broadcasterCount: 4 }, $set: { 'stage.locked': true } });
    await first.delete('jrtc_rooms', 'app:r2');
    await first.put('jrtc_members', 'app:r1:u1', { roomKey: 'app:r1', role: 2, userId: 'u1' });
    await first.close();
    expect(fs.existsSync(path.join(dir, 'jrtc_rooms.db'))).toBe(true);

    const second = await open({ dir, indexes: defaultIndexes });
    expect(await second.get('jrtc_rooms', 'app:r1')).toEqual({
      _id: 'app:r1',
      broadcasterCount: 5,
      stage: { policy: 'open', locked: true },
    });
    expect(await second.get('jrtc_rooms', 'app:r2')).toBeNull();
    expect(await second.find('jrtc_members', { roomKey: 'app:r1', role: 2 })).toHaveLength(1);
  });

  it('creates no file for a collection that is only read', async () => {
    const dir = tempDir();
    const store = await open({ dir });
    expect(await store.find('ghost', {})).toEqual([]);
    expect(await store.count('ghost', {})).toBe(0);
    expect(await store.get('ghost', 'a')).toBeNull();
    expect(await store.transact((tx) => tx.get('ghost', 'a'))).toBeNull();
    expect(fs.existsSync(path.join(dir, 'ghost.db'))).toBe(false);
    await store.put('ghost', 'a', { v: 1 });
    expect(await store.get('ghost', 'a')).toEqual({ _id: 'a', v: 1 });
  });

  it('refuses to open the same dir twice in one process', async () => {
    const dir = tempDir();
    await open({ dir });
    await expect(DocumentStore.open({ dir })).rejects.toThrow(/already open/);
  });

  it('drops indexes that are no longer configured when a collection is reopened', async () => {
    const dir = tempDir();
    const first = await DocumentStore.open({ dir, indexes: { c: [['roomKey']] } });
    await first.transact(async (tx) => {
      for (let i = 0; i < 200; i += 1) tx.put('c', `d${i}`, { roomKey: 'r', expiresAt: i });
    });
    expect(await first.explain('c', { roomKey: 'r', expiresAt: { $lt: 3 } })).toBe(200);
    await first.close();
    const second = await open({ dir, indexes: { c: [['expiresAt']] } });
    expect(await second.explain('c', { roomKey: 'r', expiresAt: { $lt: 3 } })).toBe(3);
  });

  it('has every acknowledged write on disk when the process is SIGKILLed', async () => {
    const dir = tempDir();
    const lastAck = await runKilledWriter(dir, "await store.put('acks', 'd' + i, { i });", 50);
    expect(lastAck).toBeGreaterThanOrEqual(50);
    const store = await open({ dir });
    const docs = await store.find('acks', {});
    const ids = new Set(docs.map((d) => d._id));
    for (let i = 0; i <= lastAck; i += 1) expect(ids.has(`d${i}`)).toBe(true);
  });
});

describe('transactions', () => {
  it('applies nothing and emits nothing when fn throws, and rethrows', async () => {
    const dir = tempDir();
    const store = await open({ dir });
    await store.put('c', 'keep', { n: 1 });
    const events = record(store);
    const sizeBefore = fs.statSync(path.join(dir, 'c.db')).size;
    const journalBefore = fs.statSync(path.join(dir, JOURNAL_FILE)).size;
    expect(journalBefore).toBeGreaterThan(0);
    const boom = new Error('boom');
    await expect(
      store.transact(async (tx) => {
        tx.put('c', 'new', { n: 2 });
        await tx.patch('c', 'keep', { $inc: { n: 10 } });
        tx.put('other', 'x', { a: 1 });
        expect(await tx.get('c', 'keep')).toEqual({ _id: 'keep', n: 11 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.get('c', 'new')).toBeNull();
    expect(await store.get('c', 'keep')).toEqual({ _id: 'keep', n: 1 });
    expect(await store.get('other', 'x')).toBeNull();
    expect(events).toEqual([]);
    expect(fs.statSync(path.join(dir, 'c.db')).size).toBe(sizeBefore);
    expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(journalBefore);
  });

  it('serialises concurrent read-modify-write transactions exactly', async () => {
    const store = await open();
    await store.put('counters', 'c', { n: 0 });
    await Promise.all(
      Array.from({ length: 200 }, () =>
        store.transact(async (tx) => {
          const doc = await tx.get('counters', 'c');
          await new Promise((r) => setImmediate(r)); // give other transactions every chance to interleave
          tx.put('counters', 'c', { n: (doc?.n as number) + 1 });
        }),
      ),
    );
    expect(await store.get('counters', 'c')).toEqual({ _id: 'c', n: 200 });
  });

  it('lets a transaction read its own writes, deletes included', async () => {
    const store = await open();
    await store.put('c', 'a', { v: 1 });
    const seen = await store.transact(async (tx) => {
      tx.put('c', 'b', { v: 2 });
      tx.delete('c', 'a');
      const patched = await tx.patch('c', 'b', { $set: { w: 3 } });
      return { a: await tx.get('c', 'a'), b: await tx.get('c', 'b'), patched, missing: await tx.patch('c', 'a', { $set: { v: 9 } }) };
    });
    expect(seen).toEqual({ a: null, b: { _id: 'b', v: 2, w: 3 }, patched: true, missing: false });
    expect(await store.find('c', {})).toEqual([{ _id: 'b', v: 2, w: 3 }]);
  });

  it('applies concurrent patches of one doc inside a transaction on top of each other', async () => {
    const store = await open();
    await store.put('c', 'a', { n: 0 });
    await store.transact(async (tx) => {
      await Promise.all([tx.patch('c', 'a', { $inc: { n: 1 } }), tx.patch('c', 'a', { $inc: { n: 2 } })]);
    });
    expect(await store.get('c', 'a')).toEqual({ _id: 'a', n: 3 });
  });

  it('refuses store writes inside a transaction instead of deadlocking', async () => {
    const store = await open();
    const err = await store.transact(() => store.put('c', 'a', { v: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).code).toBe('DB_NESTED_WRITE');
    expect(await store.get('c', 'a')).toBeNull();
  });

  it('makes the handle unusable after the transaction ends', async () => {
    const store = await open();
    let leaked: Parameters<Parameters<DocumentStore['transact']>[0]>[0] | undefined;
    await store.transact(async (tx) => {
      leaked = tx;
    });
    expect(() => leaked?.put('c', 'late', { v: 1 })).toThrow(/finished/);
  });
});

describe('change events', () => {
  it('reports create, update (dot-path diff) and remove in commit order after persistence', async () => {
    const dir = tempDir();
    const store = await open({ dir });
    const events: ChangeEvent[] = [];
    const file = path.join(dir, JOURNAL_FILE);
    store.onChange((e) => {
      // The change is already in the journal when we hear of it.
      expect(fs.readFileSync(file, 'utf8')).toContain(JSON.stringify(e.docId));
      events.push(e);
    });
    await store.put('jrtc_members', 'm1', { role: 2, stream: { publishing: false, muted: false, streamId: 's' }, nick: 'a' });
    await store.patch('jrtc_members', 'm1', {
      $set: { 'stream.publishing': true, role: 1, tags: ['x'] },
      $unset: { nick: true, 'stream.muted': true },
    });
    await store.patch('jrtc_members', 'm1', { $set: { role: 1 } }); // no change: no event
    await store.transact(async (tx) => {
      tx.put('jrtc_members', 'm2', { role: 2 });
      tx.delete('jrtc_members', 'm1');
    });

    expect(events.map((e) => [e.seq, e.docId, e.before === null, e.after === null])).toEqual([
      [1, 'm1', true, false],
      [2, 'm1', false, false],
      [3, 'm2', true, false],
      [4, 'm1', false, true],
    ]);
    expect(events[0].updatedFields).toBeUndefined();
    expect(events[1].updatedFields).toEqual({ 'stream.publishing': true, role: 1, tags: ['x'] });
    expect(events[1].removedFields?.sort()).toEqual(['nick', 'stream.muted']);
    expect(events[1].after).toEqual({ _id: 'm1', role: 1, stream: { publishing: true, streamId: 's' }, tags: ['x'] });
    expect(events[3].before).toEqual(events[1].after);
  });

  it('gives each listener its own copy and stops after unsubscribe', async () => {
    const store = await open();
    const seen: unknown[] = [];
    const off = store.onChange((e) => {
      (e.after as StoredDoc).v = 'mutated';
    });
    store.onChange((e) => seen.push(e.after?.v));
    await store.put('c', 'a', { v: 1 });
    off();
    await store.put('c', 'b', { v: 2 });
    expect(seen).toEqual([1, 2]);
    expect(await store.get('c', 'a')).toEqual({ _id: 'a', v: 1 });
  });

  it('emits one event per document of updateWhere / deleteWhere', async () => {
    const store = await open();
    for (const id of ['a', 'b', 'c']) await store.put('c', id, { room: id === 'c' ? 'y' : 'x', n: 0 });
    const events = record(store);
    expect(await store.updateWhere('c', { room: 'x' }, { $inc: { n: 1 } })).toBe(2);
    expect(await store.deleteWhere('c', { n: 1 })).toBe(2);
    expect(events.map((e) => [e.docId, e.after === null])).toEqual([
      ['a', false],
      ['b', false],
      ['a', true],
      ['b', true],
    ]);
    expect(await store.count('c', {})).toBe(1);
  });
});

describe('data handling', () => {
  it('deep-copies documents in and out', async () => {
    const store = await open();
    const input = { stream: { muted: false }, list: [1, { x: 1 }] };
    await store.put('c', 'a', input);
    input.stream.muted = true;
    (input.list[1] as { x: number }).x = 2;
    const out = await store.get('c', 'a');
    expect(out).toEqual({ _id: 'a', stream: { muted: false }, list: [1, { x: 1 }] });
    (out?.stream as { muted: boolean }).muted = true;
    const [found] = await store.find('c', {});
    (found.list as unknown[]).push(3);
    expect(await store.get('c', 'a')).toEqual({ _id: 'a', stream: { muted: false }, list: [1, { x: 1 }] });
  });

  it.each([
    [{ $bad: 1 }, /may not start with '\$'/],
    [{ nested: { 'a.b': 1 } }, /may not contain '\.'/],
    [{ when: new Date(0) }, /a Date is not storable/],
    [{ n: NaN }, /not a finite number/],
    [{ list: [1, undefined] }, /undefined is not allowed/],
    [{ f: () => 1 }, /function is not storable/],
  ])('rejects %p with a clear error and writes nothing', async (data, message) => {
    const store = await open();
    const events = record(store);
    const err = await store.put('c', 'a', data as Record<string, unknown>).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as Error).message).toMatch(message);
    expect(await store.get('c', 'a')).toBeNull();
    expect(events).toEqual([]);
  });

  it('omits undefined object fields, as JSON does', async () => {
    const store = await open();
    await store.put('c', 'a', { keep: 1, drop: undefined });
    expect(await store.get('c', 'a')).toEqual({ _id: 'a', keep: 1 });
  });

  it('rejects bad collection names, ids, queries and updates', async () => {
    const store = await open();
    await expect(store.put('../etc', 'a', {})).rejects.toThrow(/invalid collection name/);
    await expect(store.get('c', '')).rejects.toThrow(/invalid document id/);
    await expect(store.find('c', { n: { $where: 'x' } })).rejects.toThrow(/unsupported query operator \$where/);
    await expect(store.find('c', { $nor: [] })).rejects.toThrow(/unsupported query operator \$nor/);
    await expect(store.find('c', { n: { $lt: 1, x: 2 } })).rejects.toThrow(/mixed/);
    await store.put('c', 'a', { n: 'text', o: 5 });
    await expect(store.patch('c', 'a', { $inc: { n: 1 } })).rejects.toThrow(/cannot \$inc 'n'/);
    await expect(store.patch('c', 'a', { $set: { 'o.x': 1 } })).rejects.toThrow(/'o' is not an object/);
    await expect(store.patch('c', 'a', { $set: { a: 1, 'a.b': 2 } })).rejects.toThrow(/conflict/);
    await expect(store.patch('c', 'a', { $set: { _id: 'b' } })).rejects.toThrow(/_id cannot be changed/);
    await expect(store.patch('c', 'a', {})).rejects.toThrow(/nothing to update/);
    await expect(store.patch('c', 'a', { $push: { l: 1 } } as never)).rejects.toThrow(/unsupported update operator \$push/);
    expect(await store.get('c', 'a')).toEqual({ _id: 'a', n: 'text', o: 5 });
  });

  it('refuses every call after close', async () => {
    const store = await DocumentStore.open({});
    await store.close();
    await expect(store.get('c', 'a')).rejects.toThrow(/closed/);
    await expect(store.put('c', 'a', {})).rejects.toThrow(/closed/);
  });
});

describe('queries', () => {
  it('finds with comparisons, $in/$nin, $ne, $or, dot paths, sort, skip and limit', async () => {
    const store = await open();
    await store.transact(async (tx) => {
      for (let i = 0; i < 10; i += 1) {
        tx.put('c', `d${i}`, { n: i, group: i % 2 === 0 ? 'even' : 'odd', stream: { publishing: i < 3 } });
      }
    });
    const ids = (docs: StoredDoc[]): string[] => docs.map((d) => d._id);
    expect(ids(await store.find('c', { n: { $gte: 3, $lt: 6 } }, { sort: { n: 1 } }))).toEqual(['d3', 'd4', 'd5']);
    expect(ids(await store.find('c', { group: 'even' }, { sort: { n: -1 }, skip: 1, limit: 2 }))).toEqual(['d6', 'd4']);
    expect(ids(await store.find('c', { 'stream.publishing': true, n: { $ne: 1 } }, { sort: { n: 1 } }))).toEqual(['d0', 'd2']);
    expect(ids(await store.find('c', { n: { $in: [1, 8] } }, { sort: { n: 1 } }))).toEqual(['d1', 'd8']);
    expect(await store.count('c', { n: { $nin: [1, 8] } })).toBe(8);
    expect(ids(await store.find('c', { $or: [{ n: 0 }, { n: 9 }] }, { sort: { n: 1 } }))).toEqual(['d0', 'd9']);
    expect(await store.find('c', {}, { limit: 0 })).toEqual([]);
    expect(store.matches({ _id: 'x', stream: { publishing: true } }, { 'stream.publishing': true })).toBe(true);
    expect(store.matches({ _id: 'x', n: 5 }, { n: { $lt: 5 } })).toBe(false);
  });
});

describe('indexes (candidate selection, collection.ts)', () => {
  const now = 1_000_000;

  async function seedPresence(store: DocumentStore): Promise<void> {
    await store.transact(async (tx) => {
      for (let i = 0; i < 10_000; i += 1) {
        // 100 rooms of 100; 40 members have expired: 20 in room r0, 20 in room r1.
        const expired = i % 500 < 2;
        tx.put(Collections.presence, `p${i}`, { roomKey: `r${i % 100}`, expiresAt: expired ? now - 1 - i : now + 1 + i });
      }
    });
  }

  it('serves get-by-id, the heartbeat phase read and the sweeps from narrow candidate sets in 10,000 docs', async () => {
    const store = await open({ indexes: defaultIndexes });
    await seedPresence(store);
    expect(await store.explain(Collections.presence, { _id: 'p4242' })).toBe(1);
    // A heartbeat's live phases: the roomKey index hands over one room (100), not the 9,960 live leases.
    const live = { roomKey: 'r1', expiresAt: { $gte: now } };
    expect(await store.explain(Collections.presence, live)).toBe(100);
    expect(await store.find(Collections.presence, live, { limit: 13 })).toHaveLength(13);
    // The global sweep: the range index yields only the 40 expired leases.
    expect(await store.explain(Collections.presence, { expiresAt: { $lt: now } })).toBe(40);
    // A room sweep (gated to once a second per room) goes through its room.
    const roomSweep = { roomKey: 'r1', expiresAt: { $lt: now } };
    expect(await store.explain(Collections.presence, roomSweep)).toBe(100);
    expect((await store.find(Collections.presence, roomSweep)).map((d) => d._id).sort()).toEqual(
      Array.from({ length: 20 }, (_, k) => `p${k * 500 + 1}`).sort(),
    );

    // Without the roomKey index the heartbeat's read would walk every live lease of every room.
    const rangeOnly = await open({ indexes: { [Collections.presence]: [['expiresAt']] } });
    await seedPresence(rangeOnly);
    expect(await rangeOnly.explain(Collections.presence, live)).toBe(9_960);
  });

  it('counts the matcher calls of a find: only the candidates are matched', async () => {
    // The matcher is mingo's compiled query (mongoQuery.ts): its `test` runs once per examined document.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Query } = require('mingo/query') as typeof import('mingo/types/query');
    const store = await open({ indexes: defaultIndexes });
    await seedPresence(store);
    const spy = jest.spyOn(Query.prototype, 'test');
    try {
      // A limited find stops matching at its limit: a heartbeat's phase read matches its 13 plus the
      // room's expired leases it passes on the way (at most 20 here), not its room of 100.
      await store.find(Collections.presence, { roomKey: 'r1', expiresAt: { $gte: now } }, { limit: 13 });
      expect(spy.mock.calls.length).toBeLessThanOrEqual(13 + 20);
      spy.mockClear();
      await store.find(Collections.presence, { expiresAt: { $lt: now } });
      expect(spy.mock.calls.length).toBeLessThanOrEqual(40);
      spy.mockClear();
      // A get by id is answered from the _id index without running the matcher at all.
      expect(await store.get(Collections.presence, 'p77')).toMatchObject({ _id: 'p77' });
      expect(spy.mock.calls.length).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('narrows the roster query to one role of one room with the compound index', async () => {
    const store = await open({ indexes: defaultIndexes });
    await store.transact(async (tx) => {
      for (let i = 0; i < 10_000; i += 1) {
        const roomKey = `r${i % 10}`;
        tx.put(Collections.members, `${roomKey}:u${i}`, { roomKey, role: i % 50 === 0 ? 1 : 2, userId: `u${String(i).padStart(5, '0')}` });
      }
    });
    // r0 holds 1,000 members: 200 anchors, 800 audience.
    expect(await store.explain(Collections.members, { roomKey: 'r0', role: 1 })).toBe(200);
    const page = await store.find(
      Collections.members,
      { roomKey: 'r0', role: 2, userId: { $gt: 'u00100' } },
      { sort: { userId: 1 }, limit: 3 },
    );
    expect(page.map((d) => d.userId)).toEqual(['u00110', 'u00120', 'u00130']);
    expect(await store.explain(Collections.members, { roomKey: 'r0', role: 2, userId: { $gt: 'u00100' } })).toBe(800);
  });
});
