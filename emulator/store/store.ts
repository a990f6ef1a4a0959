import { AsyncLocalStorage } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import {
  DatabaseError,
  assertCollectionName,
  assertDocId,
  assertIndexConfig,
  assertMongoQuery,
  checkFindOptions,
  copyJson,
  diffDocs,
  invalid,
  jsonEqual,
} from './docData';
import { lockDir } from './dirLock';
import { checkUpdate } from './docUpdate';
import { LockTable, LockTx, docKey } from './lockTx';
import { Mutex } from './mutex';
import { countInCollection, findInCollection, openCollection, replaceInCollection, storedById, type Collection, type NedbInternals } from './nedbCollection';
import { nedbModel } from './nedbModel';
import { withMongoNulls } from './nullQuery';
import { CommitJournal, readJournal, type JournalChange } from './storeJournal';
import { BufferedTx, type BufferedWrite } from './storeTx';
import type { ChangeEvent, FindOptions, MongoQuery, MongoUpdate, PutOptions, StoredDoc, StoreOptions, StoreTx } from './storeTypes';

// Everything this module exported before the split, so `from './store'` imports keep working.
export type { ChangeEvent, FindOptions, MongoQuery, MongoUpdate, PutOptions, StoredDoc, StoreOptions, StoreTx } from './storeTypes';
export type { DatabaseErrorCode } from './docData';
export { DatabaseError, assertFieldPath, assertMongoQuery, cloneData, diffDocs, isPlainObject, jsonEqual } from './docData';

/**
 * The local cloud's document store: one NeDB datastore per collection, serialised writes,
 * buffered transactions and ordered change events.
 *
 * Durability: NeDB keeps every collection in memory (and answers the queries); the store persists
 * each commit itself as ONE line of `<dir>/commits.journal` (storeJournal.ts), written before the
 * commit is applied in memory, acknowledged or announced. A write we acknowledge is therefore in
 * the file and survives a SIGKILL of the process (not a power cut: nothing is fsynced), and a
 * crash leaves each commit whole or absent. On open the collection files `<collection>.db` are
 * loaded (NeDB's format), the journal is replayed over them, they are rewritten compacted and the
 * journal is emptied. While the store runs, the same happens whenever the journal reaches
 * `journalLimitBytes` (a checkpoint, under the write lock): the collections it touched are rewritten
 * (NeDB's crash-safe compaction: temp file, fsync, rename), then it is emptied.
 */

/** StoreOptions.journalLimitBytes by default. */
const DEFAULT_JOURNAL_LIMIT = 8 * 1024 * 1024;

interface PendingChange {
  collection: string;
  id: string;
  before: StoredDoc | null;
  after: StoredDoc | null;
  /** An existing document written whole (BufferedWrite.replaced): reported without a diff. */
  replaced: boolean;
  ds: Collection;
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
  /** The datastores whose open has finished, for synchronous reads and commits. */
  private readonly ready = new Map<string, Collection>();
  /** Collections whose open failed (it is retried on the next use). */
  private readonly failedOpens = new Set<string>();
  /** The commit journal (on-disk stores only). */
  private journal: CommitJournal | null = null;
  private readonly writeLock = new Mutex();
  /** The open transactions' document locks and snapshots (lockTx.ts). */
  private readonly locks = new LockTable();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Listener → whether it takes the shared event (true) or its own copy (false). */
  private readonly listeners = new Map<(e: ChangeEvent) => void, boolean>();
  private seq = 0;
  private closed = false;
  /** Collections changed since the journal was last emptied: a checkpoint rewrites their files. */
  private readonly unfolded = new Set<Collection>();
  /** The running checkpoint, if any. */
  private checkpointing: Promise<void> | null = null;
  /** Journal size at which the next checkpoint starts (raised after a failed one, not to retry on every commit). */
  private checkpointAt: number;
  private checkpointCount = 0;

  /** Releases the data directory's lock (dirLock.ts); a no-op in memory. */
  private unlock: () => void = () => undefined;

  private constructor(
    private readonly dir: string | undefined,
    private readonly indexes: Record<string, string[][]>,
    private readonly journalLimit: number,
  ) {
    this.checkpointAt = journalLimit;
  }

  /** Opens a store. With `dir`, existing `<collection>.db` files there are loaded now. */
  static async open(options: StoreOptions): Promise<DocumentStore> {
    const indexes = options.indexes ?? {};
    assertIndexConfig(indexes);
    const journalLimit = options.journalLimitBytes ?? DEFAULT_JOURNAL_LIMIT;
    if (!Number.isSafeInteger(journalLimit) || journalLimit < 1) throw invalid('journalLimitBytes must be a positive integer');
    if (options.dir === undefined) return new DocumentStore(undefined, indexes, journalLimit);

    const dir = path.resolve(options.dir);
    if (DocumentStore.openDirs.has(dir)) throw invalid(`a store is already open on ${dir}`);
    fs.mkdirSync(dir, { recursive: true });
    const unlock = lockDir(dir);
    const store = new DocumentStore(dir, indexes, journalLimit);
    store.unlock = unlock;
    DocumentStore.openDirs.add(dir);
    try {
      for (const file of fs.readdirSync(dir)) {
        const m = /^([A-Za-z0-9_-]{1,100})\.db$/.exec(file);
        if (m) await store.datastore(m[1]);
      }
      await store.replay(readJournal(dir));
      store.journal = CommitJournal.openEmpty(dir);
    } catch (err) {
      DocumentStore.openDirs.delete(dir);
      unlock();
      throw err;
    }
    return store;
  }

  /**
   * Folds the journal's commits into the collections and rewrites the files of those it touched
   * (NeDB's crash-safe compaction: temp file, fsync, rename); the caller empties the journal after.
   */
  private async replay(commits: JournalChange[][]): Promise<void> {
    const touched = new Set<Collection>();
    for (const commit of commits) {
      for (const change of commit) {
        const ds = await this.datastore(change.collection);
        replaceInCollection(ds, storedById(ds, change.id), change.doc);
        touched.add(ds);
      }
    }
    for (const ds of touched) await ds.compactDatafileAsync();
  }

  /**
   * Finds the documents matching `query` (deep copies). A null condition means null or missing,
   * as in MongoDB and CloudBase (nullQuery.ts); so in `count`, `matches` and the where-writes.
   */
  async find(collection: string, query: MongoQuery, options: FindOptions = {}): Promise<StoredDoc[]> {
    assertMongoQuery(query);
    checkFindOptions(options);
    const ds = this.ready.get(collection) ?? (await this.existing(collection));
    this.assertOpen();
    if (!ds || options.limit === 0) return []; // NeDB reads limit 0 as "no limit"
    return findInCollection(ds, withMongoNulls(query), options).map((doc) => copyJson(doc));
  }

  /** Counts the documents matching `query`. */
  async count(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    const ds = this.ready.get(collection) ?? (await this.existing(collection));
    this.assertOpen();
    return ds ? countInCollection(ds, withMongoNulls(query)) : 0;
  }

  /** One document by id (a deep copy), or null. */
  async get(collection: string, id: string): Promise<StoredDoc | null> {
    assertDocId(id);
    return this.readStored(collection, id);
  }

  /** The same matcher find() uses (for watch filtering), null meaning null or missing (nullQuery.ts). */
  matches(doc: StoredDoc, query: MongoQuery): boolean {
    assertMongoQuery(query);
    return nedbModel.match(doc, withMongoNulls(query));
  }

  /**
   * How many documents NeDB's index selection hands to the matcher for `query`: the number of
   * documents a `find` with this query touches. For tests and benchmarks of the index design.
   */
  async explain(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    const ds = await this.existing(collection);
    if (!ds) return 0;
    const candidates = await (ds as unknown as NedbInternals)._getCandidatesAsync(withMongoNulls(query), true);
    return candidates.length;
  }

  /**
   * Runs `fn` with a transaction handle, serialised with every other write. Its writes are
   * buffered and applied + persisted only if `fn` resolves; if `fn` throws nothing is written and
   * the error is rethrown. Calling a store write inside `fn` throws DB_NESTED_WRITE (it would
   * otherwise wait for its own transaction forever).
   *
   * A plain write of a document an open transaction (`beginLocked`) has locked waits until that
   * transaction commits, aborts or times out, then `fn` runs again on the state it left: CloudBase's
   * "普通的更新操作会被阻塞，直到事务锁释放或者超时" (lockTx.ts). So `fn` may run more than once and
   * must have no effect beyond its handle.
   */
  async transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertWritable();
    for (;;) {
      const outcome = await this.writeLock.run(async (): Promise<{ done: true; result: T } | { done: false; wait: Promise<void> }> => {
        this.assertOpen();
        const tx = new BufferedTx(
          (c, id) => this.readStored(c, id),
          (c, id) => this.storedNow(c, id),
        );
        let result: T;
        try {
          result = await this.inTransaction.run(true, () => fn(tx));
        } finally {
          tx.finish();
        }
        const writes = [...tx.writes.values()];
        // Collections written for the first time are opened first (the only wait of a commit).
        if (writes.some((w) => !this.ready.has(w.collection))) {
          for (const w of writes) await this.datastore(w.collection);
        }
        // Checked in the same synchronous step as the commit: no lock can be taken in between.
        const holder = this.locks.held(writes.map((w) => docKey(w.collection, w.id)));
        if (holder) return { done: false, wait: holder.released };
        this.commit(writes);
        return { done: true, result };
      });
      if (outcome.done) return outcome.result;
      await outcome.wait;
    }
  }

  /**
   * Opens a transaction with CloudBase's lock model (lockTx.ts): snapshot reads, a lock per written
   * document taken at the write, conflicts at the write, at most `timeoutMs` (30 s) of life.
   */
  beginLocked(options: { id: string; timeoutMs: number; schedule: (fn: () => void, ms: number) => () => void }): LockTx {
    this.assertWritable();
    return new LockTx(options.id, {
      locks: this.locks,
      readStored: (c, id) => this.readStored(c, id),
      commitLocked: (writes) =>
        this.writeLock.run(async () => {
          this.assertOpen();
          for (const w of writes) if (!this.ready.has(w.collection)) await this.datastore(w.collection);
          this.commit(writes);
        }),
      schedule: options.schedule,
    }, options.timeoutMs);
  }

  /** How many documents open transactions hold locked (info route, tests). */
  get lockedDocuments(): number {
    return this.locks.size;
  }

  /** Creates or replaces a whole document (StoreTx.put). */
  async put(collection: string, id: string, doc: Record<string, unknown>, options?: PutOptions): Promise<void> {
    await this.transact(async (tx) => tx.put(collection, id, doc, options));
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

  /**
   * Calls `listener` with each committed change, after it is persisted, in commit order. Returns
   * unsubscribe. Each listener gets its own copy of the event, unless `options.shared`: then it
   * gets the one event the store made, whose documents are the stored ones, and must neither
   * change nor hand them out (the watch service copies only the events a watch wants).
   */
  onChange(listener: (e: ChangeEvent) => void, options: { shared?: boolean } = {}): () => void {
    this.listeners.set(listener, options.shared === true);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** How many checkpoints have emptied the journal since the store was opened (tests read it). */
  get checkpoints(): number {
    return this.checkpointCount;
  }

  /**
   * Folds the journal into the collection files now and empties it (what happens by itself at
   * `journalLimitBytes`). Waits for earlier writes; writes after it wait for it.
   */
  checkpoint(): Promise<void> {
    return this.writeLock.run(async () => {
      if (this.closed || !this.journal || this.journal.bytes === 0) return;
      for (const ds of this.unfolded) await ds.compactDatafileAsync();
      this.journal.truncate();
      this.unfolded.clear();
      this.checkpointCount += 1;
      this.checkpointAt = this.journalLimit;
    });
  }

  /** Starts a checkpoint in the background once the journal is due (called by a commit, lock held). */
  private checkpointIfDue(): void {
    if (!this.journal || this.checkpointing || this.journal.bytes < this.checkpointAt) return;
    // Queued behind the running commit, which must not wait for it.
    this.checkpointing = this.checkpoint()
      .catch((err: unknown) => {
        // Nothing is lost: the journal still holds every commit. Try again after as much again.
        this.checkpointAt = (this.journal?.bytes ?? 0) + this.journalLimit;
        console.error('[store] checkpoint failed; the journal keeps every commit', err);
      })
      .finally(() => {
        this.checkpointing = null;
      });
  }

  /** Waits for the running write to finish, then refuses further calls. Acknowledged writes are already on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.checkpointing;
    await this.writeLock.run(async () => {
      this.closed = true;
    });
    await Promise.allSettled([...this.collections.values()]);
    this.collections.clear();
    this.ready.clear();
    this.listeners.clear();
    this.journal?.close();
    if (this.dir !== undefined) DocumentStore.openDirs.delete(this.dir);
    this.unlock();
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

  /** A copy of the stored document; synchronous once the collection is open (the hot path). */
  private readStored(collection: string, id: string): Promise<StoredDoc | null> {
    const doc = this.storedNow(collection, id);
    if (doc !== undefined) return Promise.resolve(doc && copyJson(doc));
    return this.existing(collection).then((opened) => {
      const doc = opened && storedById(opened, id);
      return doc ? copyJson(doc) : null;
    });
  }

  /** The stored document itself (not a copy), or undefined when its collection is not open yet. */
  private storedNow(collection: string, id: string): StoredDoc | null | undefined {
    const ds = this.ready.get(collection);
    return ds && !this.closed ? storedById(ds, id) : undefined;
  }

  /**
   * The collection's datastore for a read, or null when it has never been written: reading
   * (a client may name any collection) must not create `<collection>.db` files.
   */
  private async existing(name: string): Promise<Collection | null> {
    assertCollectionName(name);
    this.assertOpen();
    if (this.collections.has(name) || this.dir === undefined) return this.datastore(name);
    // Every `<name>.db` in the directory was opened by `open`, and only this store writes there
    // (openDirs): a collection not opened yet has no file, unless opening it failed earlier.
    return this.failedOpens.has(name) && fs.existsSync(path.join(this.dir, `${name}.db`)) ? this.datastore(name) : null;
  }

  /** The collection's datastore, opened (file loaded, indexes synced) on first use. */
  private datastore(name: string): Promise<Collection> {
    assertCollectionName(name);
    this.assertOpen();
    let pending = this.collections.get(name);
    if (!pending) {
      pending = openCollection(this.dir, name, (Object.prototype.hasOwnProperty.call(this.indexes, name) ? this.indexes[name] : []));
      pending.then((ds) => {
        if (this.collections.get(name) === pending) this.ready.set(name, ds);
      }, () => undefined);
      this.collections.set(name, pending);
      // A failed open (unreadable file) is retried on the next call rather than cached forever.
      pending.then(
        () => this.failedOpens.delete(name),
        () => {
          this.collections.delete(name);
          this.failedOpens.add(name);
        },
      );
    }
    return pending;
  }

  /**
   * Persists a transaction's writes as one journal line, applies them in memory and emits their
   * events (called with the write lock held, every written collection open). Synchronous, so no
   * read runs between the first and the last change of a commit: a read sees all or none.
   */
  private commit(writes: BufferedWrite[]): void {
    if (writes.length === 0) return;
    this.assertOpen();
    const changes: PendingChange[] = [];
    for (const w of writes) {
      const ds = this.ready.get(w.collection);
      if (!ds) throw new DatabaseError('DB_CLOSED', `collection ${w.collection} is not open`);
      // The stored object itself: it is only compared, diffed and copied, never changed.
      const before = storedById(ds, w.id);
      // Writes that change nothing are dropped: no journal line, no event.
      if (before === null ? w.doc === null : w.doc !== null && jsonEqual(before, w.doc)) continue;
      changes.push({ collection: w.collection, id: w.id, before, after: w.doc, replaced: w.replaced && before !== null && w.doc !== null, ds });
    }
    if (changes.length === 0) return;
    // Throws when the line cannot be written: then nothing is applied or announced.
    this.journal?.append(changes.map((c) => ({ collection: c.collection, id: c.id, doc: c.after })));
    // Open transactions keep seeing what they began with (snapshot reads, lockTx.ts).
    for (const c of changes) this.locks.recordBefore(docKey(c.collection, c.id), c.before);
    // The buffered docs are fresh copies the finished transaction no longer reaches: the
    // collections own them from here.
    for (const c of changes) {
      replaceInCollection(c.ds, c.before, c.after);
      this.unfolded.add(c.ds);
    }
    for (const c of changes) this.emit(c);
    this.checkpointIfDue();
  }

  private emit(change: PendingChange): void {
    const event: ChangeEvent = {
      seq: (this.seq += 1),
      collection: change.collection,
      docId: change.id,
      before: change.before,
      after: change.after,
    };
    // A replacement carries the whole document and no diff, as CloudBase's `replace` event does.
    if (change.replaced) event.replaced = true;
    else if (change.before && change.after) Object.assign(event, diffDocs(change.before, change.after));
    for (const [listener, shared] of [...this.listeners]) {
      try {
        // Each other listener gets its own copy, so one cannot alter what the next one sees.
        listener(shared ? event : copyJson(event));
      } catch (err) {
        // A failing listener must not undo or block a commit that is already on disk.
        console.error('[store] change listener threw', err);
      }
    }
  }
}
