/**
 * A null condition means "null or missing" in the store (MongoDB's and CloudBase's meaning, see
 * nullQuery.ts), for find, count, matches and the where-writes, with and without an index on the
 * field. NeDB alone answers `{f: null}` with the null documents only.
 */
import { DocumentStore } from './store';
import type { MongoQuery } from './store';
import { withMongoNulls } from './nullQuery';

const docs: Record<string, Record<string, unknown>> = {
  isNull: { f: null, o: { g: null } },
  isOne: { f: 1, o: { g: 1 } },
  missing: {},
  isZero: { f: 0, o: {} },
  isEmpty: { f: '', o: null },
};
const all = Object.keys(docs).sort();

describe.each([
  ['no index on f', {}],
  ['an index on f', { things: [['f'], ['o.g']] }],
])('null conditions (%s)', (_name, indexes) => {
  let store: DocumentStore;
  beforeEach(async () => {
    store = await DocumentStore.open({ indexes });
    for (const [id, doc] of Object.entries(docs)) await store.put('things', id, doc);
  });
  afterEach(() => store.close());

  const ids = async (query: MongoQuery): Promise<string[]> => (await store.find('things', query)).map((d) => d._id).sort();

  test.each<[string, MongoQuery, string[]]>([
    ['{f: null} matches null and missing', { f: null }, ['isNull', 'missing']],
    ['{f: {$ne: null}} matches only present, non-null values', { f: { $ne: null } }, ['isEmpty', 'isOne', 'isZero']],
    ['$in with null matches missing too', { f: { $in: [null, 1] } }, ['isNull', 'isOne', 'missing']],
    ['$nin with null excludes missing', { f: { $nin: [null, 1] } }, ['isEmpty', 'isZero']],
    ['a dot path: o.g null, o missing or o not an object', { 'o.g': null }, ['isEmpty', 'isNull', 'isZero', 'missing']],
    ['a dot path: o.g $ne null', { 'o.g': { $ne: null } }, ['isOne']],
    ['inside $or', { $or: [{ f: null }, { f: 1 }] }, ['isNull', 'isOne', 'missing']],
    ['beside another condition and an $and', { f: null, $and: [{ 'o.g': null }] }, ['isNull', 'missing']],
    ['$ne null with another operator on the field', { f: { $ne: null, $nin: [0] } }, ['isEmpty', 'isOne']],
    ['a non-null $ne still matches missing (MongoDB too)', { f: { $ne: 1 } }, ['isEmpty', 'isNull', 'isZero', 'missing']],
  ])('%s', async (_what, query, expected) => {
    expect(await ids(query)).toEqual(expected);
    expect(await store.count('things', query)).toBe(expected.length);
    const matched = Object.entries(docs).filter(([id, doc]) => store.matches({ ...doc, _id: id }, query)).map(([id]) => id).sort();
    expect(matched).toEqual(expected);
  });

  test('eq(null) and neq(null) split the collection: disjoint, together everything', async () => {
    const eq = await ids({ f: null });
    const neq = await ids({ f: { $ne: null } });
    expect(eq.filter((id) => neq.includes(id))).toEqual([]);
    expect([...eq, ...neq].sort()).toEqual(all);
  });

  test('where-writes use the same meaning: update and remove reach the documents without the field', async () => {
    expect(await store.updateWhere('things', { f: null }, { $set: { touched: true } })).toBe(2);
    expect(await ids({ touched: true })).toEqual(['isNull', 'missing']);
    expect(await store.deleteWhere('things', { f: null })).toBe(2);
    expect(await ids({})).toEqual(['isEmpty', 'isOne', 'isZero']);
  });
});

test('queries without null are handed to NeDB unchanged (no copy on the hot path)', () => {
  const query: MongoQuery = { roomKey: 'r', role: { $in: [1, 2] }, $or: [{ a: 1 }] };
  expect(withMongoNulls(query)).toBe(query);
  // A null inside a whole-object equality is data, not a "missing" test: matched as stored.
  expect(withMongoNulls({ o: { g: null } })).toEqual({ o: { g: null } });
});
