import { AsyncLocalStorage } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import Datastore from '@seald-io/nedb';
import { Mutex } from './mutex';

/**
 * The local cloud's document store: one NeDB datastore per collection, serialised writes,
 * buffered transactions and ordered change events.
 *
 * Durability: NeDB keeps every collection in memory and appends one line per changed document
 * to `<dir>/<collection>.db`; its insert/update/remove promises resolve only after that
 * `fs.promises.appendFile` has completed (lib/persistence.js `persistNewStateAsync`, awaited by
 * lib/datastore.js `_insertAsync` / `_updateAsync` / `_removeAsync`). A write we acknowledge is
 * therefore in the file and survives a SIGKILL of the process (not a power cut: NeDB does not
 * fsync appends). On load NeDB replays the file and rewrites it compacted.
 */

/** A stored document: JSON-like data plus its id. */
export type StoredDoc = Record<string, unknown> & { _id: string };
/** A Mongo/NeDB-style query: field equality, dot paths, $lt $lte $gt $gte $ne $in $nin $exists $and $or. */
export type MongoQuery = Record<string, unknown>;
/** A Mongo-style update: $set (dot paths allowed), $inc, $unset. */
export interface MongoUpdate {
  $set?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $unset?: Record<string, true>;
}
/** Sorting and paging of `find`; sort keys apply in insertion order. */
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}
/** One committed change, emitted after it is persisted, in commit order. */
export interface ChangeEvent {
  /** Monotonic per store instance (restarts at 1 when the store is reopened). */
  seq: number;
  collection: string;
  docId: string;
  /** null = created. */
  before: StoredDoc | null;
  /** null = removed. */
  after: StoredDoc | null;
  /** For an update of an existing doc: dot path -> new value (nested plain objects are diffed). */
  updatedFields?: Record<string, unknown>;
  /** For an update of an existing doc: dot paths that no longer exist. */
  removedFields?: string[];
}
/** The handle a transaction callback receives. Writes are buffered until the callback resolves. */
export interface StoreTx {
  /** Reads a document, seeing this transaction's own buffered writes. */
  get(collection: string, id: string): Promise<StoredDoc | null>;
  /** Creates or replaces the whole document (`doc._id`, if present, must equal `id`). */
  put(collection: string, id: string, doc: Record<string, unknown>): void;
  /** Applies an update to an existing document; false if it does not exist. */
  patch(collection: string, id: string, update: MongoUpdate): Promise<boolean>;
  /** Deletes the document (a no-op if it does not exist). */
  delete(collection: string, id: string): void;
}

/** Why the data layer refused a call. */
export type DatabaseErrorCode =
  /** A bad collection name, id, value, query or update. */
  | 'DB_INVALID_ARGUMENT'
  /** A document that must exist does not. */
  | 'DB_NOT_FOUND'
  /** `add` with an `_id` that is already taken. */
  | 'DB_DUPLICATE_ID'
  /** A write or transaction started inside a transaction (it would wait for itself forever). */
  | 'DB_NESTED_WRITE'
  /** The store was closed. */
  | 'DB_CLOSED';

/**
 * An error of the data layer. Its codes are deliberately not protocol codes: a bad query is a bug
 * of the caller, so `toProtocolError` at the function edge turns it into INTERNAL, as a failing
 * wx-server-sdk call would be in the real cloud.
 */
export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string) {
    super(message);
    this.name = 'DatabaseError';
    this.code = code;
  }
}

type Collection = Datastore<Record<string, unknown>>;

/** The NeDB internals we read: its index table and its candidate selection (see `explain`). */
interface NedbInternals {
  indexes: Record<string, unknown>;
  _getCandidatesAsync(query: MongoQuery, dontExpireStaleDocs?: boolean): Promise<unknown[]>;
}

/** NeDB's matcher, so `matches` and `find` agree exactly. The package has no `exports` map, so the subpath resolves. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nedbModel = require('@seald-io/nedb/lib/model.js') as { match(doc: unknown, query: unknown): boolean };

const collectionNamePattern = /^[A-Za-z0-9_-]{1,100}$/;
const maxDepth = 64;
const queryOperators = new Set(['$lt', '$lte', '$gt', '$gte', '$ne', '$in', '$nin', '$exists']);
const updateOperators = new Set(['$set', '$inc', '$unset']);

function invalid(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message);
}

/**
 * True for `{...}` objects (any realm), false for arrays, class instances, Dates, null.
 * Cross-realm safe because function code may be loaded in a separate context.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? `a ${ctor.name}` : 'an object';
}

/** NeDB forbids `$`-prefixed and dotted field names; `__proto__` would corrupt plain objects. */
function assertFieldName(key: string, where: string): void {
  if (key === '') throw invalid(`${where}: empty field name`);
  if (key.startsWith('$')) throw invalid(`${where}: field name '${key}' may not start with '$'`);
  if (key.includes('.')) throw invalid(`${where}: field name '${key}' may not contain '.'`);
  if (key === '__proto__') throw invalid(`${where}: field name '__proto__' is not allowed`);
}

/** Checks a dot path such as `stream.publishing` (each segment a valid field name). */
export function assertFieldPath(p: string, where: string): void {
  if (typeof p !== 'string' || p === '') throw invalid(`${where}: empty field path`);
  for (const segment of p.split('.')) {
    if (segment === '') throw invalid(`${where}: malformed field path '${p}'`);
    if (segment.startsWith('$')) throw invalid(`${where}: field path '${p}' may not contain '$' segments`);
    if (segment === '__proto__') throw invalid(`${where}: field path '${p}' is not allowed`);
  }
}

function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Validates JSON-like data and returns a deep copy of it. Only null, booleans, finite numbers,
 * strings, arrays and plain objects are stored (NeDB would turn Dates into Dates and drop
 * functions silently). `undefined` object fields are omitted, as JSON does.
 */
export function cloneData(value: unknown, where: string, depth = 0): unknown {
  if (depth > maxDepth) throw invalid(`${where}: nested deeper than ${maxDepth} levels`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`${where}: ${value} is not a finite number`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          if (item === undefined) throw invalid(`${where}.${i}: undefined is not allowed in arrays`);
          out.push(cloneData(item, `${where}.${i}`, depth + 1));
        }
        return out;
      }
      if (!isPlainObject(value)) {
        throw invalid(
          `${where}: ${describe(value)} is not storable (only null, booleans, finite numbers, strings, arrays and plain objects)`,
        );
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        assertFieldName(key, where);
        out[key] = cloneData(item, childPath(where, key), depth + 1);
      }
      return out;
    }
    default:
      throw invalid(`${where}: ${typeof value} is not storable`);
  }
}

/** Deep copy of data already validated by `cloneData` (no checks: the hot path of reads and events). */
function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => copyJson(item)) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = copyJson(item);
  return out as T;
}

/** Structural equality of JSON-like values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item: unknown, i) => jsonEqual(item, b[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every(
    (k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]),
  );
}

function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !collectionNamePattern.test(name)) {
    throw invalid(`invalid collection name ${JSON.stringify(name)} (1-100 of A-Z a-z 0-9 _ -)`);
  }
}

function assertDocId(id: string): void {
  if (typeof id !== 'string' || id === '') throw invalid(`invalid document id ${JSON.stringify(id)}`);
}

/** Validates a whole document for `put` and returns the stored copy, `_id` first. */
function toStoredDoc(id: string, doc: Record<string, unknown>): StoredDoc {
  if (!isPlainObject(doc)) throw invalid(`document ${id}: data must be a plain object, got ${describe(doc)}`);
  const { _id: given, ...rest } = doc;
  if (given !== undefined && given !== id) throw invalid(`document ${id}: data._id ${JSON.stringify(given)} differs`);
  const data = cloneData(rest, `document ${id}`) as Record<string, unknown>;
  return { _id: id, ...data };
}

/** Validates a query: only the operators NeDB matches as Mongo does, nothing that runs code ($where). */
export function assertMongoQuery(query: MongoQuery, where = 'query'): void {
  if (!isPlainObject(query)) throw invalid(`${where}: must be a plain object, got ${describe(query)}`);
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw invalid(`${where}: ${key} needs a non-empty array`);
      value.forEach((sub: unknown, i) => assertMongoQuery(sub as MongoQuery, `${where}.${key}[${i}]`));
      continue;
    }
    if (key.startsWith('$')) throw invalid(`${where}: unsupported query operator ${key}`);
    assertFieldPath(key, where);
    assertCondition(value, `${where}.${key}`);
  }
}

function assertCondition(value: unknown, where: string): void {
  if (value === undefined) throw invalid(`${where}: undefined is not a query value`);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const ops = keys.filter((k) => k.startsWith('$'));
    if (ops.length > 0) {
      if (ops.length !== keys.length) throw invalid(`${where}: operators and fields may not be mixed`);
      for (const op of ops) {
        if (!queryOperators.has(op)) throw invalid(`${where}: unsupported query operator ${op}`);
        const operand = value[op];
        if (op === '$in' || op === '$nin') {
          if (!Array.isArray(operand)) throw invalid(`${where}: ${op} needs an array`);
        } else if (op === '$exists') {
          if (typeof operand !== 'boolean') throw invalid(`${where}: $exists needs a boolean`);
        }
        cloneData(operand, `${where}.${op}`);
      }
      return;
    }
  }
  cloneData(value, where);
}

/** A checked update: validated paths, copied values, no conflicting paths. */
interface CheckedUpdate {
  set: Array<[string, unknown]>;
  inc: Array<[string, number]>;
  unset: string[];
}

function checkUpdate(update: MongoUpdate): CheckedUpdate {
  if (!isPlainObject(update)) throw invalid(`update: must be a plain object, got ${describe(update)}`);
  const out: CheckedUpdate = { set: [], inc: [], unset: [] };
  const paths: string[] = [];
  const record = update as Record<string, unknown>;
  for (const op of Object.keys(record)) {
    if (!updateOperators.has(op)) throw invalid(`update: unsupported update operator ${op}`);
    const fields = record[op];
    if (fields === undefined) continue;
    if (!isPlainObject(fields)) throw invalid(`update: ${op} needs a plain object`);
    for (const [p, value] of Object.entries(fields)) {
      assertFieldPath(p, `update.${op}`);
      if (p === '_id' || p.startsWith('_id.')) throw invalid('update: _id cannot be changed');
      paths.push(p);
      if (op === '$set') {
        if (value === undefined) throw invalid(`update.$set.${p}: undefined is not a value`);
        out.set.push([p, cloneData(value, `update.$set.${p}`)]);
      } else if (op === '$inc') {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`update.$inc.${p}: needs a finite number`);
        out.inc.push([p, value]);
      } else {
        if (value !== true) throw invalid(`update.$unset.${p}: must be true`);
        out.unset.push(p);
      }
    }
  }
  if (paths.length === 0) throw invalid('update: nothing to update');
  // Mongo refuses an update that touches a path twice or a path and its parent; so do we.
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur === prev || cur.startsWith(`${prev}.`)) throw invalid(`update: paths '${prev}' and '${cur}' conflict`);
  }
  return out;
}

/** Walks to the parent object of `p`, creating missing objects when `create`; null if absent. */
function parentOf(doc: Record<string, unknown>, p: string, create: boolean): [Record<string, unknown>, string] | null {
  const segments = p.split('.');
  let node = doc;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const key = segments[i];
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === undefined) {
      if (!create) return null;
      const fresh: Record<string, unknown> = {};
      node[key] = fresh;
      node = fresh;
    } else if (isPlainObject(next)) {
      node = next;
    } else {
      if (!create) return null;
      throw invalid(`update: cannot set '${p}': '${segments.slice(0, i + 1).join('.')}' is not an object`);
    }
  }
  return [node, segments[segments.length - 1]];
}

/** Applies a checked update to a copy of `doc`. */
function applyUpdate(doc: StoredDoc, update: CheckedUpdate): StoredDoc {
  const out = copyJson(doc);
  for (const [p, value] of update.set) {
    const [node, key] = parentOf(out, p, true) as [Record<string, unknown>, string];
    node[key] = copyJson(value);
  }
  for (const [p, n] of update.inc) {
    const [node, key] = parentOf(out, p, true) as [Record<string, unknown>, string];
    const current = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (current === undefined) node[key] = n;
    else if (typeof current === 'number') {
      const sum = current + n;
      if (!Number.isFinite(sum)) throw invalid(`update: $inc of '${p}' overflows`);
      node[key] = sum;
    } else throw invalid(`update: cannot $inc '${p}': it holds ${describe(current)}, not a number`);
  }
  for (const p of update.unset) {
    const found = parentOf(out, p, false);
    if (found) delete found[0][found[1]];
  }
  return out;
}

/** Dot-path diff of two versions of a document, as CloudBase's watch reports it. */
export function diffDocs(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { updatedFields: Record<string, unknown>; removedFields: string[] } {
  const updatedFields: Record<string, unknown> = {};
  const removedFields: string[] = [];
  const walk = (b: Record<string, unknown>, a: Record<string, unknown>, prefix: string): void => {
    for (const [key, av] of Object.entries(a)) {
      const p = childPath(prefix, key);
      if (!Object.prototype.hasOwnProperty.call(b, key)) updatedFields[p] = copyJson(av);
      else if (isPlainObject(av) && isPlainObject(b[key])) walk(b[key] as Record<string, unknown>, av, p);
      else if (!jsonEqual(av, b[key])) updatedFields[p] = copyJson(av);
    }
    for (const key of Object.keys(b)) {
      if (!Object.prototype.hasOwnProperty.call(a, key)) removedFields.push(childPath(prefix, key));
    }
  };
  walk(before, after, '');
  return { updatedFields, removedFields };
}

function checkFindOptions(options: FindOptions): void {
  if (!isPlainObject(options)) throw invalid('find options must be a plain object');
  if (options.sort !== undefined) {
    if (!isPlainObject(options.sort)) throw invalid('sort must be a plain object');
    for (const [p, dir] of Object.entries(options.sort)) {
      assertFieldPath(p, 'sort');
      if (dir !== 1 && dir !== -1) throw invalid(`sort.${p}: must be 1 or -1`);
    }
  }
  for (const key of ['skip', 'limit'] as const) {
    const n: unknown = options[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)) throw invalid(`${key} must be a non-negative integer`);
  }
}

interface BufferedWrite {
  collection: string;
  id: string;
  /** null = delete. */
  doc: StoredDoc | null;
}

/** A transaction's write buffer; reads fall through to the store. */
class BufferedTx implements StoreTx {
  /** Keyed by collection + id; a Map keeps first-write order, which is the commit order. */
  readonly writes = new Map<string, BufferedWrite>();
  private active = true;

  constructor(private readonly readStored: (collection: string, id: string) => Promise<StoredDoc | null>) {}

  async get(collection: string, id: string): Promise<StoredDoc | null> {
    this.check(collection, id);
    const buffered = this.writes.get(keyOf(collection, id));
    if (buffered) return buffered.doc && copyJson(buffered.doc);
    return this.readStored(collection, id);
  }

  put(collection: string, id: string, doc: Record<string, unknown>): void {
    this.check(collection, id);
    this.buffer(collection, id, toStoredDoc(id, doc));
  }

  async patch(collection: string, id: string, update: MongoUpdate): Promise<boolean> {
    this.check(collection, id);
    return this.patchChecked(collection, id, checkUpdate(update));
  }

  /**
   * `patch` with an already checked update (updateWhere checks once for many documents).
   * `stored`, when given, is the document as stored, so it need not be read again.
   */
  async patchChecked(collection: string, id: string, update: CheckedUpdate, stored?: StoredDoc): Promise<boolean> {
    const key = keyOf(collection, id);
    let base = this.writes.get(key);
    if (!base) {
      const current = stored ?? (await this.readStored(collection, id));
      // Another operation of this transaction may have written the doc while we read it.
      base = this.writes.get(key) ?? { collection, id, doc: current };
    }
    if (!base.doc) return false;
    this.buffer(collection, id, applyUpdate(base.doc, update));
    return true;
  }

  delete(collection: string, id: string): void {
    this.check(collection, id);
    this.buffer(collection, id, null);
  }

  /** After the callback settles, the handle is dead: a leaked reference must not write into a later commit. */
  finish(): void {
    this.active = false;
  }

  private buffer(collection: string, id: string, doc: StoredDoc | null): void {
    if (!this.active) throw invalid('transaction already finished');
    this.writes.set(keyOf(collection, id), { collection, id, doc });
  }

  private check(collection: string, id: string): void {
    if (!this.active) throw invalid('transaction already finished');
    assertCollectionName(collection);
    assertDocId(id);
  }
}

function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

interface PendingChange {
  collection: string;
  id: string;
  before: StoredDoc | null;
  after: StoredDoc | null;
}

/** Options of `DocumentStore.open`. */
export interface StoreOptions {
  /** Directory of the `<collection>.db` files; undefined = memory only. */
  dir?: string;
  /** collection -> index field lists (one field, or several for a compound index). `_id` is always indexed. */
  indexes?: Record<string, string[][]>;
}

/**
 * The embedded database of the local cloud. All writes go through `transact`, which a mutex
 * serialises; reads never wait for the lock. Each commit queues all of its NeDB writes at once,
 * so a concurrent read of one collection sees either none or all of a commit's changes there.
 */
export class DocumentStore {
  /** Directories opened by this process: two stores appending to the same files would corrupt them. */
  private static readonly openDirs = new Set<string>();

  private readonly collections = new Map<string, Promise<Collection>>();
  private readonly writeLock = new Mutex();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly dir: string | undefined,
    private readonly indexes: Record<string, string[][]>,
  ) {}

  /** Opens a store. With `dir`, existing `<collection>.db` files there are loaded now. */
  static async open(options: StoreOptions): Promise<DocumentStore> {
    const indexes = options.indexes ?? {};
    for (const [collection, lists] of Object.entries(indexes)) {
      assertCollectionName(collection);
      if (!Array.isArray(lists)) throw invalid(`indexes.${collection}: must be a list of field lists`);
      for (const fields of lists) {
        if (!Array.isArray(fields) || fields.length === 0) throw invalid(`indexes.${collection}: empty index`);
        for (const f of fields) {
          assertFieldPath(f, `indexes.${collection}`);
          if (f.includes(',')) throw invalid(`indexes.${collection}: field '${f}' may not contain ','`);
        }
      }
    }
    if (options.dir === undefined) return new DocumentStore(undefined, indexes);

    const dir = path.resolve(options.dir);
    if (DocumentStore.openDirs.has(dir)) throw invalid(`a store is already open on ${dir}`);
    fs.mkdirSync(dir, { recursive: true });
    const store = new DocumentStore(dir, indexes);
    DocumentStore.openDirs.add(dir);
    try {
      for (const file of fs.readdirSync(dir)) {
        const m = /^([A-Za-z0-9_-]{1,100})\.db$/.exec(file);
        if (m) await store.datastore(m[1]);
      }
    } catch (err) {
      DocumentStore.openDirs.delete(dir);
      throw err;
    }
    return store;
  }

  /** Finds the documents matching `query` (deep copies). */
  async find(collection: string, query: MongoQuery, options: FindOptions = {}): Promise<StoredDoc[]> {
    assertMongoQuery(query);
    checkFindOptions(options);
    const ds = await this.existing(collection);
    if (!ds || options.limit === 0) return []; // NeDB reads limit 0 as "no limit"
    let cursor = ds.findAsync(query);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    // NeDB's find maps its results through model.deepCopy: these are copies already.
    return (await cursor) as unknown as StoredDoc[];
  }

  /** Counts the documents matching `query`. */
  async count(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    const ds = await this.existing(collection);
    return ds ? ((await ds.countAsync(query)) as unknown as number) : 0;
  }

  /** One document by id (a deep copy), or null. */
  async get(collection: string, id: string): Promise<StoredDoc | null> {
    assertDocId(id);
    return this.readStored(collection, id);
  }

  /** The same matcher find() uses (for watch filtering). */
  matches(doc: StoredDoc, query: MongoQuery): boolean {
    assertMongoQuery(query);
    return nedbModel.match(doc, query);
  }

  /**
   * How many documents NeDB's index selection hands to the matcher for `query`: the number of
   * documents a `find` with this query touches. For tests and benchmarks of the index design.
   */
  async explain(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    const ds = await this.existing(collection);
    if (!ds) return 0;
    const candidates = await (ds as unknown as NedbInternals)._getCandidatesAsync(query, true);
    return candidates.length;
  }

  /**
   * Runs `fn` with a transaction handle, serialised with every other write. Its writes are
   * buffered and applied + persisted only if `fn` resolves; if `fn` throws nothing is written and
   * the error is rethrown. Calling a store write inside `fn` throws DB_NESTED_WRITE (it would
   * otherwise wait for its own transaction forever).
   */
  async transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertWritable();
    return this.writeLock.run(async () => {
      this.assertOpen();
      const tx = new BufferedTx((c, id) => this.readStored(c, id));
      let result: T;
      try {
        result = await this.inTransaction.run(true, () => fn(tx));
      } finally {
        tx.finish();
      }
      await this.commit([...tx.writes.values()]);
      return result;
    });
  }

  /** Creates or replaces a whole document. */
  async put(collection: string, id: string, doc: Record<string, unknown>): Promise<void> {
    await this.transact(async (tx) => tx.put(collection, id, doc));
  }

  /** Updates one document; false if it does not exist. */
  patch(collection: string, id: string, update: MongoUpdate): Promise<boolean> {
    return this.transact((tx) => tx.patch(collection, id, update));
  }

  /** Updates every document matching `query`; returns how many matched. */
  updateWhere(collection: string, query: MongoQuery, update: MongoUpdate): Promise<number> {
    assertMongoQuery(query);
    const checked = checkUpdate(update);
    return this.transact(async (tx) => {
      const docs = await this.find(collection, query);
      for (const doc of docs) await (tx as BufferedTx).patchChecked(collection, doc._id, checked, doc);
      return docs.length;
    });
  }

  /** Deletes one document; false if it did not exist. */
  delete(collection: string, id: string): Promise<boolean> {
    return this.transact(async (tx) => {
      const existed = (await tx.get(collection, id)) !== null;
      tx.delete(collection, id);
      return existed;
    });
  }

  /** Deletes every document matching `query`; returns how many. */
  deleteWhere(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    return this.transact(async (tx) => {
      const docs = await this.find(collection, query);
      for (const doc of docs) tx.delete(collection, doc._id);
      return docs.length;
    });
  }

  /** Calls `listener` with each committed change, after it is persisted, in commit order. Returns unsubscribe. */
  onChange(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Waits for the running write to finish, then refuses further calls. Acknowledged writes are already on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeLock.run(async () => {
      this.closed = true;
    });
    await Promise.allSettled([...this.collections.values()]);
    this.collections.clear();
    this.listeners.clear();
    if (this.dir !== undefined) DocumentStore.openDirs.delete(this.dir);
  }

  private assertOpen(): void {
    if (this.closed) throw new DatabaseError('DB_CLOSED', 'the document store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.inTransaction.getStore()) {
      throw new DatabaseError(
        'DB_NESTED_WRITE',
        'a store write was started inside a transaction; use the transaction handle instead',
      );
    }
  }

  private async readStored(collection: string, id: string): Promise<StoredDoc | null> {
    const ds = await this.existing(collection);
    if (!ds) return null;
    const docs = (await ds.findAsync({ _id: id })) as unknown as StoredDoc[];
    return docs.length > 0 ? docs[0] : null;
  }

  /**
   * The collection's datastore for a read, or null when it has never been written: reading
   * (a client may name any collection) must not create `<collection>.db` files.
   */
  private async existing(name: string): Promise<Collection | null> {
    assertCollectionName(name);
    this.assertOpen();
    if (this.collections.has(name) || this.dir === undefined) return this.datastore(name);
    return fs.existsSync(path.join(this.dir, `${name}.db`)) ? this.datastore(name) : null;
  }

  /** The collection's datastore, opened (file loaded, indexes synced) on first use. */
  private datastore(name: string): Promise<Collection> {
    assertCollectionName(name);
    this.assertOpen();
    let pending = this.collections.get(name);
    if (!pending) {
      pending = this.openCollection(name);
      this.collections.set(name, pending);
      // A failed open (unreadable file) is retried on the next call rather than cached forever.
      pending.catch(() => this.collections.delete(name));
    }
    return pending;
  }

  private async openCollection(name: string): Promise<Collection> {
    const ds: Collection =
      this.dir === undefined
        ? new Datastore<Record<string, unknown>>({ inMemoryOnly: true })
        : new Datastore<Record<string, unknown>>({ filename: path.join(this.dir, `${name}.db`) });
    if (this.dir !== undefined) await ds.loadDatabaseAsync();
    // The file remembers indexes created earlier; drop those no longer configured, because NeDB
    // would keep choosing them (for example a roomKey index on presence would scan whole rooms).
    const wanted = new Map<string, string[]>();
    for (const fields of this.indexes[name] ?? []) wanted.set([...fields].sort().join(','), fields);
    for (const existing of Object.keys((ds as unknown as NedbInternals).indexes)) {
      if (existing !== '_id' && !wanted.has(existing)) await ds.removeIndexAsync(existing);
    }
    for (const [key, fields] of wanted) {
      if (key === '_id') continue;
      await ds.ensureIndexAsync({ fieldName: fields.length === 1 ? fields[0] : fields });
    }
    return ds;
  }

  /** Applies a transaction's writes (called with the write lock held), then emits their events. */
  private async commit(writes: BufferedWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const stores = new Map<string, Collection>();
    for (const w of writes) if (!stores.has(w.collection)) stores.set(w.collection, await this.datastore(w.collection));

    const befores = await Promise.all(writes.map((w) => this.readStored(w.collection, w.id)));
    const changes: PendingChange[] = [];
    writes.forEach((w, i) => {
      const before = befores[i];
      // Writes that change nothing are dropped: no file line, no event.
      if (before === null ? w.doc === null : w.doc !== null && jsonEqual(before, w.doc)) return;
      changes.push({ collection: w.collection, id: w.id, before, after: w.doc });
    });

    // Queue every NeDB write synchronously (no await in between): NeDB runs each datastore's
    // operations in queue order, so a read queued meanwhile sees all of them or none.
    const applied = await Promise.allSettled(
      changes.map((c) => {
        const ds = stores.get(c.collection) as Collection;
        if (c.before === null) return ds.insertAsync(c.after as StoredDoc);
        if (c.after === null) return ds.removeAsync({ _id: c.id }, {});
        return ds.updateAsync({ _id: c.id }, c.after, {});
      }),
    );
    let failure: unknown = null;
    applied.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') this.emit(changes[i]);
      else if (failure === null) failure = outcome.reason;
    });
    if (failure !== null) throw failure;
  }

  private emit(change: PendingChange): void {
    const event: ChangeEvent = {
      seq: (this.seq += 1),
      collection: change.collection,
      docId: change.id,
      before: change.before,
      after: change.after,
    };
    if (change.before && change.after) Object.assign(event, diffDocs(change.before, change.after));
    for (const listener of [...this.listeners]) {
      try {
        // Each listener gets its own copy, so one cannot alter what the next one sees.
        listener(copyJson(event));
      } catch (err) {
        // A failing listener must not undo or block a commit that is already on disk.
        console.error('[store] change listener threw', err);
      }
    }
  }
}
