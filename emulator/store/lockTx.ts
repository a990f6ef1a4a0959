/**
 * Transactions as CloudBase runs them: locks taken at the write, snapshot reads.
 *
 * The rules, from the 小程序云开发 guide, 数据库 → 事务 ("数据库事务"):
 * - "事务过程采用的是快照隔离": reads inside a transaction see the database as it was when the
 *   transaction began. The snapshot is the transaction's, not per document: a document first read
 *   after someone else changed it still shows its state at the start (`read`).
 * - "写操作会给对象加上事务锁": a write inside a transaction locks the document until commit or abort
 *   (`write`).
 * - "其他事务的写入会直接失败": another transaction's write to a locked document fails at once, at
 *   the write, inside its callback (DB_WRITE_CONFLICT); nothing is retried for it.
 * - "普通的更新操作会被阻塞，直到事务锁释放或者超时": a plain write of a locked document waits for
 *   the commit or abort (DocumentStore.transact waits on `LockTable.held`).
 * - A document only read is not locked and is no conflict: someone may change it meanwhile and the
 *   transaction still commits (snapshot isolation).
 * Where the guide is silent we take the stricter reading, as MongoDB (CloudBase's engine) does:
 * writing a document that someone else changed after the transaction began is a conflict too, even
 * when no lock is held any more (a lost update otherwise), and so is inserting an `_id` created since.
 * Operations of one transaction run one at a time: the guide shows them awaited one after another
 * and says nothing of overlapping them, and the MongoDB sessions beneath run one operation at a
 * time. The stricter reading is taken: an operation started while another of the same transaction
 * is in flight is refused (DB_TX_CONCURRENT, `occupy`), so code that overlaps them fails here
 * rather than on CloudBase.
 * A transaction lives at most 30 s from its start ("事务...超时时间为 30 秒", 小程序云开发 guide, 数据库事务); then
 * its locks are released and every later use fails with DB_TX_CLOSED.
 */
import { assertCollectionName, assertDocId, copyJson, DatabaseError, toStoredDoc } from './docData';
import { applyUpdate, type CheckedUpdate } from './docUpdate';
import type { BufferedWrite } from './storeTx';
import type { PutOptions, StoredDoc } from './storeTypes';

/** The key of a document in lock tables and snapshots. */
export function docKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** Who holds a lock, and when it is let go. */
interface LockHolder {
  readonly id: string;
  readonly released: Promise<void>;
}

/**
 * The locks and snapshots of one store. Everything here is synchronous, and so is the store's
 * commit: a lock is never taken between a plain write's lock check and its apply.
 */
export class LockTable {
  private readonly locks = new Map<string, LockHolder>();
  /** Per open transaction: document key → its state when the transaction began, recorded on change. */
  private readonly snapshots = new Set<Map<string, StoredDoc | null>>();

  /** The holder of the lock on a document, if any. */
  holderOf(key: string): LockHolder | undefined {
    return this.locks.get(key);
  }

  /** The first lock held by someone other than `self` among `keys` (plain writes wait on it). */
  held(keys: Iterable<string>, self?: LockHolder): LockHolder | undefined {
    if (this.locks.size === 0) return undefined;
    for (const key of keys) {
      const holder = this.locks.get(key);
      if (holder && holder !== self) return holder;
    }
    return undefined;
  }

  take(key: string, holder: LockHolder): void {
    this.locks.set(key, holder);
  }

  drop(key: string, holder: LockHolder): void {
    if (this.locks.get(key) === holder) this.locks.delete(key);
  }

  /** Open transactions' snapshots learn a document's state before a commit changes it. */
  recordBefore(key: string, before: StoredDoc | null): void {
    for (const snapshot of this.snapshots) if (!snapshot.has(key)) snapshot.set(key, before);
  }

  track(snapshot: Map<string, StoredDoc | null>): void {
    this.snapshots.add(snapshot);
  }

  untrack(snapshot: Map<string, StoredDoc | null>): void {
    this.snapshots.delete(snapshot);
  }
}

/** What a LockTx needs of its store (DocumentStore implements it privately). */
export interface LockTxHost {
  readonly locks: LockTable;
  /** A copy of the stored document. */
  readStored(collection: string, id: string): Promise<StoredDoc | null>;
  /** Applies the writes as one commit, under the store's write lock. */
  commitLocked(writes: BufferedWrite[]): Promise<void>;
  /** Starts a timer; returns its cancel. */
  schedule(fn: () => void, ms: number): () => void;
}

/** Why a transaction is over. */
type Ended = 'committed' | 'aborted' | 'timed out';

/**
 * One open transaction. Reads see the snapshot plus its own writes; writes lock their document at
 * once and are buffered until `commit`, which cannot conflict any more (the locks guarantee it).
 */
export class LockTx implements LockHolder {
  readonly released: Promise<void>;
  private release!: () => void;
  private readonly snapshot = new Map<string, StoredDoc | null>();
  private readonly writes = new Map<string, BufferedWrite>();
  private ended: Ended | null = null;
  private busy = false;
  private readonly cancelTimeout: () => void;

  constructor(
    readonly id: string,
    private readonly host: LockTxHost,
    timeoutMs: number,
  ) {
    this.released = new Promise((resolve) => {
      this.release = resolve;
    });
    host.locks.track(this.snapshot);
    this.cancelTimeout = host.schedule(() => this.end('timed out'), timeoutMs);
  }

  /** True until commit, abort or timeout. */
  get open(): boolean {
    return this.ended === null;
  }

  /**
   * Runs one operation of the transaction (a front end wraps each request or call in it); refuses
   * with DB_TX_CONCURRENT while another is in flight (see the file comment).
   */
  async occupy<T>(op: () => Promise<T>): Promise<T> {
    if (this.busy) {
      throw new DatabaseError(
        'DB_TX_CONCURRENT',
        `transaction ${this.id}: an operation started while another was in flight; run a transaction's operations one after another`,
      );
    }
    this.busy = true;
    try {
      return await op();
    } finally {
      this.busy = false;
    }
  }

  /** The document as this transaction sees it (a copy), or null. */
  async read(collection: string, id: string): Promise<StoredDoc | null> {
    const key = this.check(collection, id);
    const own = this.writes.get(key);
    if (own) return own.doc && copyJson(own.doc);
    if (this.snapshot.has(key)) return copyOrNull(this.snapshot.get(key));
    const current = await this.host.readStored(collection, id);
    this.assertOpen();
    // A commit may have changed it while its collection opened: the snapshot knows the old state.
    if (this.writes.has(key)) return copyOrNull(this.writes.get(key)?.doc);
    return this.snapshot.has(key) ? copyOrNull(this.snapshot.get(key)) : current;
  }

  /**
   * Creates or replaces the whole document; locks it first (DB_WRITE_CONFLICT when it cannot).
   * `options.merge`: the document is an update the caller applied, not a set (PutOptions).
   */
  put(collection: string, id: string, doc: Record<string, unknown>, options: PutOptions = {}): void {
    const key = this.lock(collection, id);
    // As BufferedWrite.replaced: once set in this transaction, the document stays a replacement.
    const replaced = options.merge !== true || this.writes.get(key)?.replaced === true;
    this.writes.set(key, { collection, id, doc: toStoredDoc(id, doc), replaced });
  }

  /** Applies a checked update to the document as this transaction sees it; false if it does not exist. */
  async patch(collection: string, id: string, update: CheckedUpdate): Promise<boolean> {
    const current = await this.read(collection, id);
    const key = this.lock(collection, id);
    if (!current) return false;
    this.writes.set(key, { collection, id, doc: applyUpdate(current, update), replaced: this.writes.get(key)?.replaced === true });
    return true;
  }

  /** Deletes the document (locks it, even when it does not exist). */
  delete(collection: string, id: string): void {
    const key = this.lock(collection, id);
    this.writes.set(key, { collection, id, doc: null, replaced: false });
  }

  /** Applies every write in one commit and releases the locks. */
  async commit(): Promise<void> {
    this.assertOpen();
    // No other transaction or plain write can have touched a locked document: nothing to check.
    const writes = [...this.writes.values()];
    this.ended = 'committed';
    try {
      await this.host.commitLocked(writes);
    } finally {
      this.finish();
    }
  }

  /** Drops the writes and releases the locks (a no-op once over). */
  abort(): void {
    this.end('aborted');
  }

  private end(why: Ended): void {
    if (this.ended !== null) return;
    this.ended = why;
    this.finish();
  }

  private finish(): void {
    this.cancelTimeout();
    for (const key of this.writes.keys()) this.host.locks.drop(key, this);
    this.host.locks.untrack(this.snapshot);
    this.release();
  }

  /** Takes the write lock on a document, or fails at once. */
  private lock(collection: string, id: string): string {
    const key = this.check(collection, id);
    const holder = this.host.locks.holderOf(key);
    if (holder === this) return key;
    if (holder) {
      throw new DatabaseError('DB_WRITE_CONFLICT', `write conflict: ${collection}/${id} is locked by transaction ${holder.id}`);
    }
    if (this.snapshot.has(key)) {
      throw new DatabaseError('DB_WRITE_CONFLICT', `write conflict: ${collection}/${id} was changed after transaction ${this.id} began`);
    }
    this.host.locks.take(key, this);
    return key;
  }

  private check(collection: string, id: string): string {
    this.assertOpen();
    assertCollectionName(collection);
    assertDocId(id);
    return docKey(collection, id);
  }

  private assertOpen(): void {
    if (this.ended !== null) throw new DatabaseError('DB_TX_CLOSED', `transaction ${this.id} is not open (${this.ended})`);
  }
}

function copyOrNull(doc: StoredDoc | null | undefined): StoredDoc | null {
  return doc ? copyJson(doc) : null;
}
