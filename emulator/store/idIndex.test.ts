import fc from 'fast-check';
import Datastore from '@seald-io/nedb';
import { IdIndex } from './idIndex';
import { findInCollection } from './nedbCollection';
import type { Collection } from './nedbCollection';
import type { StoredDoc } from './storeTypes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const NedbIndex = require('@seald-io/nedb/lib/indexes.js') as new (options: { fieldName: string; unique: boolean }) => {
  insert(doc: StoredDoc | StoredDoc[]): void;
  remove(doc: StoredDoc | StoredDoc[]): void;
  update(oldDoc: StoredDoc, newDoc: StoredDoc): void;
  getMatching(value: unknown): StoredDoc[];
  getBetweenBounds(query: Record<string, unknown>): StoredDoc[];
  getAll(): StoredDoc[];
};

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), id: ids, v: fc.integer() }),
  fc.record({ kind: fc.constant('remove' as const), id: ids }),
  fc.record({ kind: fc.constant('update' as const), id: ids, v: fc.integer() }),
);
const byId = (docs: StoredDoc[]) => [...docs].sort((x, y) => (x._id < y._id ? -1 : 1));

describe('IdIndex', () => {
  test("answers as NeDB's own _id index after any sequence of inserts, removes and updates", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(ids, { maxLength: 4 }), (ops, probe) => {
        const ours = new IdIndex();
        const theirs = new NedbIndex({ fieldName: '_id', unique: true });
        const held = new Map<string, StoredDoc>();
        for (const o of ops) {
          const current = held.get(o.id);
          if (o.kind === 'insert') {
            const doc = { _id: o.id, v: o.v };
            const outcomes = [ours, theirs].map((index) => {
              try {
                index.insert(doc);
                return 'ok';
              } catch (err) {
                return (err as { errorType?: string }).errorType;
              }
            });
            expect(outcomes[0]).toBe(outcomes[1]);
            if (outcomes[0] === 'ok') held.set(o.id, doc);
          } else if (o.kind === 'remove' && current) {
            ours.remove(current);
            theirs.remove(current);
            held.delete(o.id);
          } else if (o.kind === 'update' && current) {
            const next = { _id: o.id, v: o.v };
            ours.update(current, next);
            theirs.update(current, next);
            held.set(o.id, next);
          }
        }
        expect(byId(ours.getAll())).toEqual(byId(theirs.getAll()));
        expect(ours.size).toBe(held.size);
        for (const id of ['a', 'z']) expect(ours.getMatching(id)).toEqual(theirs.getMatching(id));
        expect(byId(ours.getMatching(probe))).toEqual(byId(theirs.getMatching(probe)));
        expect(byId(ours.getBetweenBounds({ $gt: 'b', $lte: 'e' }))).toEqual(theirs.getBetweenBounds({ $gt: 'b', $lte: 'e' }));
        for (const [id, doc] of held) expect(ours.get(id)).toBe(doc);
      }),
      { numRuns: 300 },
    );
  });

  test('a list insert or update that would take an id twice changes nothing', () => {
    const a = { _id: 'a', v: 1 };
    const b = { _id: 'b', v: 2 };
    const index = new IdIndex([a, b]);
    expect(() => index.insert([{ _id: 'c', v: 3 }, { _id: 'a', v: 4 }])).toThrow(expect.objectContaining({ errorType: 'uniqueViolated' }));
    expect(() => index.update([{ oldDoc: a, newDoc: { _id: 'b', v: 5 } }])).toThrow(expect.objectContaining({ errorType: 'uniqueViolated' }));
    expect(index.getAll()).toEqual([a, b]);
    index.revertUpdate(a, { _id: 'a', v: 9 });
    expect(index.get('a')).toBe(a);
  });

  test('keeps the natural order: updates stay in place, new documents go last', () => {
    const index = new IdIndex([{ _id: 'm', v: 1 }, { _id: 'c', v: 1 }]);
    index.insert({ _id: 'a', v: 1 });
    index.update(index.get('m') as StoredDoc, { _id: 'm', v: 2 });
    expect(index.getAll().map((d) => `${d._id}${String(d.v)}`)).toEqual(['m2', 'c1', 'a1']);
  });

  test("NeDB's candidate selection through it finds what a plain datastore finds", async () => {
    const docs = Array.from({ length: 30 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, n: i % 7 }));
    const plain = new Datastore<Record<string, unknown>>({ inMemoryOnly: true });
    await plain.insertAsync(docs);
    const withMap = new Datastore<Record<string, unknown>>({ inMemoryOnly: true });
    await withMap.insertAsync(docs);
    (withMap as unknown as { indexes: Record<string, unknown> }).indexes._id = new IdIndex(withMap.getAllData() as StoredDoc[]);
    const queries = [{ _id: 'd03' }, { _id: 'nope' }, { _id: { $in: ['d01', 'd29', 'x'] } }, { _id: { $gte: 'd10', $lt: 'd15' } }, { n: 3 }, {}];
    for (const query of queries) {
      const find = (ds: typeof plain) => byId(findInCollection(ds as unknown as Collection, query, {}));
      expect({ query, found: find(withMap) }).toEqual({ query, found: find(plain) });
    }
  });
});
