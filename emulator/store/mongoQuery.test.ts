/**
 * The store answers queries with MongoDB's meaning (mongoQuery.ts), as CloudBase's database does,
 * for find, count, matches and the where-writes, with and without an index on the field: a null
 * condition means "null or missing", a condition on an array holds for an element, ranges compare
 * values of one type, sorts follow MongoDB's order of types. Expected answers are the MongoDB
 * manual's (cited per case).
 */
import { DocumentStore } from './store';
import type { MongoQuery } from './store';

const docs: Record<string, Record<string, unknown>> = {
  isNull: { f: null, o: { g: null } },
  isOne: { f: 1, o: { g: 1 } },
  missing: {},
  isZero: { f: 0, o: {} },
  isEmpty: { f: '', o: null },
};
const all = Object.keys(docs).sort();
const fixtures: Record<string, Record<string, unknown>> = {
  num: { v: 5, tags: ['a', 'b'], items: [{ k: 1 }, { k: 2 }] },
  str: { v: '5', tags: ['b'], items: [{ k: 3 }] },
  bool: { v: true, tags: [], items: [] },
  arr: { v: [1, 9], tags: 'a', items: { k: 1 } },
  obj: { v: { w: 1, z: 2 } },
};

describe.each([
  ['no index', {}],
  ['indexes on the fields', { things: [['f'], ['o.g']], f: [['v'], ['tags'], ['items.k'], ['v', 'tags']] }],
])('MongoDB query semantics (%s)', (_name, indexes) => {
  let store: DocumentStore;
  beforeEach(async () => {
    store = await DocumentStore.open({ indexes });
    for (const [id, doc] of Object.entries(docs)) await store.put('things', id, doc);
    for (const [id, doc] of Object.entries(fixtures)) await store.put('f', id, doc);
  });
  afterEach(() => store.close());

  const ids = async (query: MongoQuery, collection = 'things'): Promise<string[]> => (await store.find(collection, query)).map((d) => d._id).sort();

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

  test.each<[string, MongoQuery, string[]]>([
    // "Query an Array": a scalar condition on an array field holds when an element meets it.
    ['equality reaches array elements', { tags: 'a' }, ['arr', 'num']],
    ['an array condition is a whole-array equality', { tags: ['b'] }, ['str']],
    ['$in reaches array elements', { tags: { $in: ['b'] } }, ['num', 'str']],
    ['$nin excludes arrays holding a listed element', { tags: { $nin: ['a'] } }, ['bool', 'obj', 'str']],
    // Type bracketing ("Comparison/Sort Order"): $gt 4 compares numbers only, not '5' or true.
    ['a range compares values of its type only', { v: { $gt: 4 } }, ['arr', 'num']],
    ['a string range ignores numbers', { v: { $gte: '0' } }, ['str']],
    ['an array meets each bound with any element', { v: { $gt: 5, $lt: 2 } }, ['arr']],
    ['1 and 1.0 are equal, "1" is not', { v: 5.0 }, ['num']],
    // "Query an Array of Embedded Documents": a dot path through an array reaches each element.
    ['a dot path through an array of objects', { 'items.k': 2 }, ['num']],
    ['a dot path into a plain object', { 'items.k': 1 }, ['arr', 'num']],
    ['a whole-object equality', { v: { w: 1, z: 2 } }, ['obj']],
    // A difference from MongoDB, whose whole-document equality also requires the same field order
    // ("Query on Embedded/Nested Documents"): mingo compares objects as sets of fields. The SDKs
    // send nested conditions as dot paths, so only `_.eq({...})` reaches it.
    ['a whole-object equality ignores field order (MongoDB: no match)', { v: { z: 2, w: 1 } }, ['obj']],
    ['$exists false', { items: { $exists: false } }, ['obj']],
    ['$exists true on an element path', { 'items.k': { $exists: true } }, ['arr', 'num', 'str']],
    ['$in and a range on one field', { v: { $in: [5, '5', true], $lt: 10 } }, ['num']],
    ['$and of the same field', { $and: [{ v: { $gte: 1 } }, { v: { $lte: 5 } }] }, ['arr', 'num']],
  ])('%s', async (_what, query, expected) => {
    expect(await ids(query, 'f')).toEqual(expected);
    expect(await store.count('f', query)).toBe(expected.length);
    expect(Object.entries(fixtures).filter(([id, doc]) => store.matches({ ...doc, _id: id }, query)).map(([id]) => id).sort()).toEqual(expected);
  });

  test("sorts in MongoDB's order of types, arrays by their smallest element ascending and largest descending", async () => {
    // "Comparison/Sort Order": null (and missing) < numbers < strings < objects < booleans;
    // cursor.sort(): an ascending sort on an array uses its smallest element, a descending one its largest.
    await store.put('f', 'missing', {});
    await store.put('f', 'zero', { v: 0 });
    await store.put('f', 'big', { v: 7 });
    const order = async (direction: 1 | -1) => (await store.find('f', {}, { sort: { v: direction } })).map((d) => d._id);
    expect(await order(1)).toEqual(['missing', 'zero', 'arr', 'num', 'big', 'str', 'obj', 'bool']);
    expect(await order(-1)).toEqual(['bool', 'obj', 'str', 'arr', 'big', 'num', 'zero', 'missing']);
  });
});
