import type {
  Database,
  DbCollection,
  DbDocument,
  DbQuery,
  DbTransaction,
  DocData,
  TxCollection,
} from '../../cloudfunctions/jrtc/src/ports';
import { isCommandMarker, localCommand, toCheckedUpdate, toMongoQuery, toMongoUpdate } from './query';
import { DatabaseError, GET_LIMITS, assertFieldPath, copyJson, isPlainObject, newDocId } from '../store/docData';
import type { DocumentStore } from '../store/store';
import type { LockTx } from '../store/lockTx';
import type { MongoQuery, StoredDoc } from '../store/storeTypes';

/** A transaction's life on CloudBase (ARCHITECTURE §6): then its locks are released. */
const TX_LIFETIME_MS = 30_000;

/** setTimeout, unref'd: an abandoned transaction never keeps the process alive. */
function unrefTimer(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/** Options of the local database. */
export interface LocalDatabaseOptions {
  /**
   * As `cloud.database({throwOnNotFound})`: true (the default) makes `doc(id).get()` of a missing
   * document reject; false makes it resolve `{data: null}`.
   */
  throwOnNotFound?: boolean;
}

function invalid(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message);
}

function notFound(id: string): DatabaseError {
  // The wording of wx-server-sdk, which callers may match on.
  return new DatabaseError('DB_NOT_FOUND', `document.get:fail document with _id ${id} does not exist`);
}

function assertId(id: string): void {
  if (typeof id !== 'string' || id === '') throw invalid(`doc(): id must be a non-empty string, got ${JSON.stringify(id)}`);
}

/** `{data}` of add/set/update calls, checked to be a plain object. */
function dataOf(options: { data: Record<string, unknown> }, call: string): Record<string, unknown> {
  if (!isPlainObject(options) || !isPlainObject(options.data)) throw invalid(`${call}: options.data must be a plain object`);
  return options.data;
}

/**
 * add/set store data as given: update commands there are a mistake, not data. The path of the
 * offending value is only spelled out when there is one (every set passes through here).
 */
function assertNoCommands(value: unknown, where: string, path: Array<string | number> = []): void {
  if (isCommandMarker(value)) {
    throw invalid(`${[where, ...path].join('.')}: db.command operators are only allowed in where() and update()`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      path.push(i);
      assertNoCommands(value[i], where, path);
      path.pop();
    }
  } else if (isPlainObject(value)) {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      path.push(key);
      assertNoCommands(value[key], where, path);
      path.pop();
    }
  }
}

function dataForSet(options: { data: DocData }, call: string): Record<string, unknown> {
  const data = dataOf(options, call);
  if (Object.prototype.hasOwnProperty.call(data, '_id')) throw invalid(`${call}: data must not contain _id`);
  assertNoCommands(data, `${call}.data`);
  return data;
}

/** The parts of a query builder; each builder call copies it. */
interface QueryState {
  collection: string;
  where: MongoQuery;
  sort: Array<[string, 1 | -1]>;
  skip: number;
  limit: number | undefined;
}

/** An immutable query over one collection, as wx-server-sdk's `Query`. */
class LocalQuery implements DbQuery {
  constructor(
    protected readonly store: DocumentStore,
    protected readonly state: QueryState,
  ) {}

  /** Replaces the condition (as wx-server-sdk does). */
  where(condition: Record<string, unknown>): DbQuery {
    return new LocalQuery(this.store, { ...this.state, where: toMongoQuery(condition) });
  }

  orderBy(field: string, order: 'asc' | 'desc'): DbQuery {
    assertFieldPath(field, 'orderBy');
    if (order !== 'asc' && order !== 'desc') throw invalid(`orderBy: order must be 'asc' or 'desc', got ${String(order)}`);
    const sort = this.state.sort.filter(([f]) => f !== field);
    sort.push([field, order === 'asc' ? 1 : -1]);
    return new LocalQuery(this.store, { ...this.state, sort });
  }

  skip(offset: number): DbQuery {
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid(`skip: needs a non-negative integer, got ${offset}`);
    return new LocalQuery(this.store, { ...this.state, skip: offset });
  }

  /** Caps at 1000, the platform's maximum. */
  limit(max: number): DbQuery {
    if (!Number.isSafeInteger(max) || max < 1) throw invalid(`limit: needs a positive integer, got ${max}`);
    return new LocalQuery(this.store, { ...this.state, limit: Math.min(max, GET_LIMITS.server.max) });
  }

  async get(): Promise<{ data: DocData[] }> {
    const { collection, where, sort, skip, limit } = this.state;
    const data = await this.store.find(collection, where, {
      sort: sort.length > 0 ? Object.fromEntries(sort) : undefined,
      skip,
      limit: limit ?? GET_LIMITS.server.default,
    });
    return { data };
  }

  /** Counts every match (skip and limit do not apply, as on the platform). */
  async count(): Promise<{ total: number }> {
    return { total: await this.store.count(this.state.collection, this.state.where) };
  }

  /** Updates every match; `updated` counts the matched documents. */
  async update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    const update = toMongoUpdate(dataOf(options, 'update'));
    return { stats: { updated: await this.store.updateWhere(this.state.collection, this.state.where, update) } };
  }

  async remove(): Promise<{ stats: { removed: number } }> {
    return { stats: { removed: await this.store.deleteWhere(this.state.collection, this.state.where) } };
  }
}

/** A collection: the unfiltered query plus document access. */
class LocalCollection extends LocalQuery implements DbCollection {
  constructor(
    store: DocumentStore,
    collection: string,
    private readonly throwOnNotFound: boolean,
  ) {
    super(store, { collection, where: {}, sort: [], skip: 0, limit: undefined });
  }

  doc(id: string): DbDocument {
    assertId(id);
    return new LocalDocument(this.store, this.state.collection, id, this.throwOnNotFound);
  }

  /** Uses `data._id` when given (as CloudBase does), else a random id; a taken id rejects. */
  async add(options: { data: DocData }): Promise<{ _id: string }> {
    return this.store.transact((tx) => addIn(tx, this.state.collection, options));
  }
}

/** What add and set need of a transaction: the store's write buffer or a locked transaction. */
interface WriteHandle {
  get(collection: string, id: string): Promise<StoredDoc | null>;
  put(collection: string, id: string, doc: Record<string, unknown>): void;
}

async function addIn(tx: WriteHandle, collection: string, options: { data: DocData }): Promise<{ _id: string }> {
  const { _id: given, ...data } = dataOf(options, 'add');
  if (given !== undefined && (typeof given !== 'string' || given === '')) throw invalid('add: data._id must be a non-empty string');
  assertNoCommands(data, 'add.data');
  const id = typeof given === 'string' ? given : newDocId();
  if (await tx.get(collection, id)) throw new DatabaseError('DB_DUPLICATE_ID', `add: a document with _id ${id} already exists`);
  tx.put(collection, id, data);
  return { _id: id };
}

/** One document, outside a transaction. */
class LocalDocument implements DbDocument {
  constructor(
    private readonly store: DocumentStore,
    private readonly collection: string,
    private readonly id: string,
    private readonly throwOnNotFound: boolean,
  ) {}

  async get(): Promise<{ data: DocData | null }> {
    const doc = await this.store.get(this.collection, this.id);
    if (!doc && this.throwOnNotFound) throw notFound(this.id);
    return { data: doc };
  }

  /** Resolves `{_id, stats: {updated, created}}` as wx-server-sdk does. */
  async set(options: { data: DocData }): Promise<unknown> {
    const data = dataForSet(options, 'set');
    return this.store.transact((tx) => setIn(tx, this.collection, this.id, data));
  }

  async update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    const update = toMongoUpdate(dataOf(options, 'update'));
    return { stats: { updated: (await this.store.patch(this.collection, this.id, update)) ? 1 : 0 } };
  }

  async remove(): Promise<{ stats: { removed: number } }> {
    return { stats: { removed: (await this.store.delete(this.collection, this.id)) ? 1 : 0 } };
  }
}

/** `{_id, stats: {updated, created}}`, as wx-server-sdk answers a set. */
function setResult(id: string, existed: boolean): { _id: string; stats: { updated: number; created: number } } {
  return { _id: id, stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 } };
}

async function setIn(
  tx: WriteHandle,
  collection: string,
  id: string,
  data: Record<string, unknown>,
  inTransaction = false,
): Promise<{ _id: string; stats: { updated: number; created: number } }> {
  const existed = (await tx.get(collection, id)) !== null;
  tx.put(collection, id, data);
  const result = setResult(id, existed);
  // wx-server-sdk reads `created` from the reply's upsertedId, which @cloudbase/database only
  // passes on outside a transaction: inside one, a set that creates reports created: 0.
  if (inTransaction) result.stats.created = 0;
  return result;
}

/**
 * One document inside a transaction (store/lockTx.ts): reads see the transaction's snapshot and its
 * own writes; a write locks the document at once or fails as CloudBase's does (txOperation).
 */
class TxDocument implements DbDocument {
  constructor(
    private readonly tx: LockTx,
    private readonly collection: string,
    private readonly id: string,
    private readonly throwOnNotFound: boolean,
  ) {}

  async get(): Promise<{ data: DocData | null }> {
    const doc = await txOperation(this.tx, 'document.get', () => this.tx.get(this.collection, this.id));
    if (!doc && this.throwOnNotFound) throw notFound(this.id);
    return { data: doc };
  }

  set(options: { data: DocData }): Promise<unknown> {
    return txOperation(this.tx, 'document.set', () => setIn(this.tx, this.collection, this.id, dataForSet(options, 'set'), true));
  }

  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    return txOperation(this.tx, 'document.update', async () => {
      const update = toCheckedUpdate(dataOf(options, 'update'));
      return { stats: { updated: (await this.tx.patch(this.collection, this.id, update)) ? 1 : 0 } };
    });
  }

  remove(): Promise<{ stats: { removed: number } }> {
    return txOperation(this.tx, 'document.remove', async () => {
      const existed = (await this.tx.get(this.collection, this.id)) !== null;
      this.tx.delete(this.collection, this.id);
      return { stats: { removed: existed ? 1 : 0 } };
    });
  }
}

/**
 * Runs one operation of a transaction, alone (LockTx.occupy: an overlapping one is refused with
 * DB_TX_CONCURRENT, errCode -502001). A refused write (DB_WRITE_CONFLICT) or a closed transaction is
 * rethrown as wx-server-sdk 4.0.2 surfaces the platform's failure (`maybeTransformError` then
 * `toSDKError`): an Error `<api>:fail -501001 resource system error. <message>` with `errCode`
 * -501001, `errMsg`, and no `code`. Unit tests thus meet exactly what production code meets.
 */
async function txOperation<T>(tx: LockTx, api: string, op: () => Promise<T>): Promise<T> {
  try {
    return await tx.occupy(op);
  } catch (err) {
    if (err instanceof DatabaseError && (err.code === 'DB_WRITE_CONFLICT' || err.code === 'DB_TX_CLOSED')) {
      const message = `${api}:fail -501001 resource system error. ${err.message}`;
      throw Object.assign(new Error(message), { errCode: -501001, errMsg: message });
    }
    throw err;
  }
}

/**
 * The ports.Database implementation over the store, with wx-server-sdk's result shapes.
 * Transactions follow CloudBase's lock model (store/lockTx.ts), as the Admin API's do: concurrent
 * ones conflict at the write, and, as with wx-server-sdk, such a conflict is not retried here
 * (`retries` is accepted and unused: @cloudbase/database's retry tests a `code` the SDK's error lacks).
 */
export function createLocalDatabase(store: DocumentStore, options: LocalDatabaseOptions = {}): Database {
  const throwOnNotFound = options.throwOnNotFound ?? true;
  return {
    command: localCommand,
    collection(name: string): DbCollection {
      return new LocalCollection(store, name, throwOnNotFound);
    },
    async runTransaction<T>(fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
      const tx = store.beginLocked({ id: newDocId(), timeoutMs: TX_LIFETIME_MS, schedule: unrefTimer });
      try {
        const result = await fn({
          collection(name: string): TxCollection {
            return {
              doc(id: string): DbDocument {
                assertId(id);
                return new TxDocument(tx, name, id, throwOnNotFound);
              },
              add: (addOptions: { data: DocData }) => txOperation(tx, 'collection.add', () => addIn(tx, name, addOptions)),
            };
          },
        });
        await txOperation(tx, 'runTransaction', () => tx.commit());
        return result;
      } finally {
        tx.abort(); // a no-op after the commit; releases the locks after a throw
      }
    },
  };
}
