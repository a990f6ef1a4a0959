/**
 * Candidate selection (collection.ts): which index a query is answered from, told by how many
 * documents it examines, and that the selected candidates never leave out a match.
 */
import fc from 'fast-check';
import { Collection } from './collection';
import { matchesQuery } from './mongoQuery';
import type { MongoQuery, StoredDoc } from './storeTypes';

const docs: StoredDoc[] = Array.from({ length: 1000 }, (_, i) => ({
  _id: `d${i}`,
  room: `r${i % 10}`,
  role: i % 4 === 0 ? 1 : 2,
  at: i,
  ...(i % 100 === 0 ? { tags: ['x', `t${i}`] } : {}),
}));

function collection(indexes: string[][]): Collection {
  return new Collection(indexes, docs.map((d) => ({ ...d })));
}

test.each<[string, string[][], MongoQuery, number]>([
  ['_id equality', [], { _id: 'd5', room: 'r9' }, 1],
  ['_id $in', [], { _id: { $in: ['d5', 'd6', 'd5', 'nope'] } }, 2],
  ['a compound index before a single-field one', [['room'], ['room', 'role']], { room: 'r0', role: 1 }, 50],
  ['an equality on a single field', [['room'], ['at']], { room: 'r1', at: { $lt: 500 } }, 100],
  ['$in on a single field', [['room']], { room: { $in: ['r1', 'r2'] } }, 200],
  ['a numeric range', [['at']], { at: { $gte: 10, $lt: 20 } }, 10],
  ['a range inside $and', [['at']], { $and: [{ at: { $gt: 990 } }] }, 9],
  ['an array element (multikey)', [['tags']], { tags: 'x' }, 10],
  ['a null condition scans (it also means missing)', [['tags']], { tags: null }, 1000],
  ['an $or scans', [['room']], { $or: [{ room: 'r1' }, { room: 'r2' }] }, 1000],
  ['a range of mixed types scans', [['at']], { at: { $gt: 1, $lt: 'z' } }, 1000],
])('%s', (_what, indexes, query, examined) => {
  const c = collection(indexes);
  expect(c.explain(query)).toBe(examined);
  const ids = (list: StoredDoc[]) => list.map((d) => d._id).sort();
  expect(ids(c.find(query))).toEqual(ids(docs.filter((d) => matchesQuery(d, query))));
});

test('an index stays exact through updates and removals, and finds what a scan finds', () => {
  const value = fc.oneof(fc.constantFrom('a', 'b', 1, 2, true, null), fc.array(fc.constantFrom('a', 1, 2), { maxLength: 3 }));
  const op = fc.record({ id: fc.constantFrom('p', 'q', 'r', 's'), v: fc.option(value, { nil: undefined }), gone: fc.boolean() });
  const query = fc.oneof(
    value.map((v): MongoQuery => ({ v })),
    fc.constantFrom(1, 2, 'a').map((v): MongoQuery => ({ v: { $gt: v } })),
    fc.constantFrom(0, 1, 2).map((v): MongoQuery => ({ v: { $gte: v, $lte: v + 1 } })),
    fc.constantFrom(0, 1, 2).map((v): MongoQuery => ({ v: { $gt: v, $lt: v + 1 } })),
    fc.array(fc.constantFrom('a', 'b', 1), { maxLength: 2 }).map((list): MongoQuery => ({ v: { $in: list } })),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), query, (ops, q) => {
      const indexed = new Collection([['v']]);
      const plain = new Collection([]);
      for (const o of ops) {
        const doc = o.gone ? null : { _id: o.id, ...(o.v === undefined ? {} : { v: o.v }) };
        indexed.replace(o.id, doc);
        plain.replace(o.id, doc && { ...doc });
      }
      expect(indexed.find(q).map((d) => d._id).sort()).toEqual(plain.find(q).map((d) => d._id).sort());
    }),
    { numRuns: 500 },
  );
});

test('keeps the natural order: updates stay in place, new documents go last', () => {
  const c = new Collection([], [{ _id: 'm', v: 1 }, { _id: 'c', v: 1 }]);
  c.replace('a', { _id: 'a', v: 1 });
  c.replace('m', { _id: 'm', v: 2 });
  expect(c.find({}).map((d) => `${d._id}${String(d.v)}`)).toEqual(['m2', 'c1', 'a1']);
});
