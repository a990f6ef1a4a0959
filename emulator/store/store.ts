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
import { LockTable, LockTx } from './lockTx';
import { Mutex } from './mutex';
import { Collection } from './collection';
import { collectionFile, readCollectionFile, writeCollectionFile } from './collectionFile';
import { matchesQuery } from './mongoQuery';
import { CommitJournal, readJournal } from './storeJournal';
import { BufferedTx, copyOrNull, docKey, settled, type BufferedWrite } from './storeTx';
import type { ChangeEvent, FindOptions, MongoQuery, MongoUpdate, PutOptions, StoredDoc, StoreOptions, StoreTx } from './storeTypes';

export type { ChangeEvent, FindOptions, MongoQuery, MongoUpdate, PutOptions, StoredDoc, StoreOptions, StoreTx } from './storeTypes';
export { DatabaseError } from './docData';

/**
 * The local cloud's document store: collections in memory (collection.ts: documents by id,
 * indexes, MongoDB's matcher), serialised writes, buffered transactions and ordered change events.
 *
 * Durability: every collection is held in memory, which answers the queries; the store persists
 * each commit as ONE line of `<dir>/commits.journal` (storeJournal.ts), written before the
 * commit is applied in memory, acknowledged or announced. A write we acknowledge is therefore in
 * the file and survives a SIGKILL of the process (not a power cut: nothing is fsynced), and a
 * crash leaves each commit whole or absent. On open the collection files `<collection>.db` are
 * loaded (collectionFile.ts), the journal is replayed over them, they are rewritten and the
 * journal is emptied. While the store runs, the same happens whenever the journal reaches
 * `journalLimitBytes` (a checkpoint, under the write lock): the collections it touched are rewritten
 * (crash-safely: temp file, fsync, rename), then it is emptied.
 */

/** StoreOptions.journalLimitBytes by default. */
const DEFAULT_JOURNAL_LIMIT = 8 * 1024 * 1024;

/** A write that changes its document: the document before it, and its collection. */
type PendingChange = BufferedWrite & { before: StoredDoc | null; ds: Collection };

/**
 * The embedded database of the local cloud. All writes go through `transact`, which a mutex
 * serialises; reads never wait for the lock. Each commit applies all of its changes in one
 * synchronous step, so a concurrent read sees either none or all of a commit's changes.
 */
export class DocumentStore {
  /** Directories opened by this process: two stores appending to the same files would corrupt them. */
  private static readonly openDirs = new Set<string>();

  /** The collections opened so far (`collection`): every one that has a file or was written. */
  private readonly opened = new Map<string, Collection>();
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
  private readonly unfolded = new Set<string>();
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
        if (m) store.collection(m[1]);
      }
      // Each commit sets documents to their final state: replaying one the files already hold is harmless.
      for (const commit of readJournal(dir)) {
        for (const change of commit) {
          store.collection(change.collection).replace(change.id, change.doc);
          store.unfolded.add(change.collection);
        }
      }
      await store.fold();
      store.journal = CommitJournal.openEmpty(dir);
    } catch (err) {
      DocumentStore.openDirs.delete(dir);
      unlock();
      throw err;
    }
    return store;
  }

  /** Rewrites the files of the collections changed since the journal was last emptied (crash-safely: temp file, fsync, rename). */
  private async fold(): Promise<void> {
    for (const name of this.unfolded) {
      const ds = this.opened.get(name);
      if (ds && this.dir !== undefined) await writeCollectionFile(collectionFile(this.dir, name), ds.all());
    }
    this.unfolded.clear();
  }

  /**
   * Finds the documents matching `query` (deep copies), with MongoDB's meaning (mongoQuery.ts): a
   * null condition means null or missing, as in CloudBase; so in `count`, `matches` and the where-writes.
   */
  async find(collection: string, query: MongoQuery, options: FindOptions = {}): Promise<StoredDoc[]> {
    assertMongoQuery(query);
    checkFindOptions(options);
    const ds = this.existing(collection);
    return ds ? ds.find(query, options).map((doc) => copyJson(doc)) : [];
  }

  /** Counts the documents matching `query`. */
  async count(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    return this.existing(collection)?.count(query) ?? 0;
  }

  /** One document by id (a deep copy), or null. */
  async get(collection: string, id: string): Promise<StoredDoc | null> {
    assertDocId(id);
    return settled(() => copyOrNull(this.storedNow(collection, id)));
  }

  /** The same matcher find() uses (for watch filtering), null meaning null or missing. */
  matches(doc: StoredDoc, query: MongoQuery): boolean {
    assertMongoQuery(query);
    return matchesQuery(doc, query);
  }

  /**
   * How many documents the index selection (collection.ts) hands to the matcher for `query`: the
   * number of documents a `find` with this query examines. For tests and benchmarks of the index design.
   */
  async explain(collection: string, query: MongoQuery): Promise<number> {
    assertMongoQuery(query);
    return this.existing(collection)?.explain(query) ?? 0;
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
        const tx = new BufferedTx((c, id) => this.storedNow(c, id));
        let result: T;
        try {
          result = await this.inTransaction.run(true, () => fn(tx));
        } finally {
          tx.finish();
        }
        const writes = [...tx.writes.values()];
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
      storedNow: (c, id) => this.storedNow(c, id),
      commitLocked: (writes) =>
        this.writeLock.run(async () => {
          this.assertOpen();
          this.commit(writes);
        }),
      schedule: options.schedule,
    }, options.timeoutMs);
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
      for (const doc of docs) (tx as BufferedTx).patchChecked(collection, doc._id, checked, doc);
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
    return () => this.listeners.delete(listener);
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
      await this.fold();
      this.journal.truncate();
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
    this.opened.clear();
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

  /** The stored document itself (not a copy), or null. */
  private storedNow(collection: string, id: string): StoredDoc | null {
    return this.existing(collection)?.get(id) ?? null;
  }

  /**
   * The collection for a read, or null when it has never been written: reading (a client may name
   * any collection) must not create `<collection>.db` files. Every `<name>.db` in the directory
   * was opened by `open`, and only this store writes there (openDirs).
   */
  private existing(name: string): Collection | null {
    this.assertOpen();
    const ds = this.opened.get(name);
    if (!ds) assertCollectionName(name);
    return ds ?? null;
  }

  /** Collection `name`, opened on first use: its file read (created when there is none), its indexes built. */
  private collection(name: string): Collection {
    let ds = this.opened.get(name);
    if (!ds) {
      assertCollectionName(name);
      const indexLists = Object.prototype.hasOwnProperty.call(this.indexes, name) ? this.indexes[name] : [];
      ds = new Collection(indexLists, this.dir === undefined ? [] : readCollectionFile(collectionFile(this.dir, name)));
      this.opened.set(name, ds);
    }
    return ds;
  }

  /**
   * Persists a transaction's writes as one journal line, applies them in memory and emits their
   * events (called with the write lock held). Synchronous, so no
   * read runs between the first and the last change of a commit: a read sees all or none.
   */
  private commit(writes: BufferedWrite[]): void {
    if (writes.length === 0) return;
    this.assertOpen();
    const changes: PendingChange[] = [];
    for (const w of writes) {
      const ds = this.collection(w.collection);
      // The stored object itself: it is only compared, diffed and copied, never changed.
      const before = ds.get(w.id);
      // Writes that change nothing are dropped: no journal line, no event.
      if (before === null ? w.doc === null : w.doc !== null && jsonEqual(before, w.doc)) continue;
      changes.push({ ...w, before, ds });
    }
    if (changes.length === 0) return;
    // Throws when the line cannot be written: then nothing is applied or announced.
    this.journal?.append(changes.map((c) => ({ collection: c.collection, id: c.id, doc: c.doc })));
    // Open transactions keep seeing what they began with (snapshot reads, lockTx.ts).
    for (const c of changes) this.locks.recordBefore(docKey(c.collection, c.id), c.before);
    // The buffered docs are fresh copies the finished transaction no longer reaches: the
    // collections own them from here.
    for (const c of changes) {
      c.ds.replace(c.id, c.doc);
      this.unfolded.add(c.collection);
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
      after: change.doc,
    };
    // An existing document written whole (BufferedWrite.replaced) carries no diff, as CloudBase's `replace` event.
    if (change.before && change.doc) {
      if (change.replaced) event.replaced = true;
      else Object.assign(event, diffDocs(change.before, change.doc));
    }
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
