/**
 * Transactions as CloudBase runs them: locks taken at the write, snapshot reads.
 *
 * The rules, from the 小程序云开发 guide, 数据库 → 事务 ("数据库事务"):
 * - "事务过程采用的是快照隔离": reads see the database as it was when the transaction began; the
 *   snapshot is the transaction's, not per document (`get`).
 * - "写操作会给对象加上事务锁": a write locks its document until commit or abort (`lock`).
 * - "其他事务的写入会直接失败": another transaction's write to a locked document fails at once,
 *   inside its callback (DB_WRITE_CONFLICT); nothing is retried for it.
 * - "普通的更新操作会被阻塞，直到事务锁释放或者超时": a plain write of a locked document waits for
 *   the commit or abort (DocumentStore.transact waits on `LockTable.held`).
 * - A document only read is not locked and is no conflict (snapshot isolation).
 * Where the guide is silent we take the stricter reading, as MongoDB (CloudBase's engine) does:
 * writing a document someone else changed after the transaction began is a conflict too, even
 * with no lock held any more (a lost update otherwise), and so is inserting an `_id` created since.
 * An operation started while another of the same transaction is in flight is refused
 * (DB_TX_CONCURRENT, `occupy`): the guide shows them awaited one after another and MongoDB's
 * sessions run one at a time, so code that overlaps them fails here rather than on CloudBase.
 * A transaction lives at most 30 s ("事务...超时时间为 30 秒"); then its locks are released and
 * every later use fails with DB_TX_CLOSED.
 */
import { assertCollectionName, assertDocId, DatabaseError } from './docData';
import { BufferedTx, docKey, type BufferedWrite } from './storeTx';
import type { PutOptions, StoredDoc } from './storeTypes';

/** Who holds a lock, and when it is let go. */
interface LockHolder {
  readonly id: string;
  readonly released: Promise<void>;
}

/**
 * The locks of one store (document key → holder) and its open transactions' snapshots. Everything
 * here is synchronous, and so is the store's commit: a lock is never taken between a plain write's
 * lock check and its apply.
 */
export class LockTable extends Map<string, LockHolder> {
  /** Per open transaction: document key → its state when the transaction began, recorded on change. */
  readonly snapshots = new Set<Map<string, StoredDoc | null>>();

  /** The first lock held among `keys` (plain writes wait on it). */
  held(keys: Iterable<string>): LockHolder | undefined {
    if (this.size === 0) return undefined;
    for (const key of keys) {
      const holder = this.get(key);
      if (holder) return holder;
    }
    return undefined;
  }

  /** Lets go of every lock `holder` took. */
  dropAll(holder: LockHolder): void {
    for (const [key, h] of this) if (h === holder) this.delete(key);
  }

  /** Open transactions' snapshots learn a document's state before a commit changes it. */
  recordBefore(key: string, before: StoredDoc | null): void {
    for (const snapshot of this.snapshots) if (!snapshot.has(key)) snapshot.set(key, before);
  }
}

/** What a LockTx needs of its store (DocumentStore implements it privately). */
export interface LockTxHost {
  readonly locks: LockTable;
  /** The stored document itself (not a copy), or null. */
  storedNow(collection: string, id: string): StoredDoc | null;
  /** Applies the writes as one commit, under the store's write lock. */
  commitLocked(writes: BufferedWrite[]): Promise<void>;
  /** Starts a timer; returns its cancel. */
  schedule(fn: () => void, ms: number): () => void;
}

/** Why a transaction is over. */
type Ended = 'committed' | 'aborted' | 'timed out';

/**
 * One open transaction. Reads see the snapshot plus its own writes; writes lock their document at
 * once and are buffered (storeTx.ts) until `commit`, which cannot conflict any more (the locks guarantee it).
 */
export class LockTx implements LockHolder {
  readonly released: Promise<void>;
  private release!: () => void;
  private readonly snapshot = new Map<string, StoredDoc | null>();
  private readonly buffer: BufferedTx;
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
    this.buffer = new BufferedTx((collection, docId) => {
      const key = docKey(collection, docId);
      return this.snapshot.has(key) ? (this.snapshot.get(key) ?? null) : host.storedNow(collection, docId);
    });
    host.locks.snapshots.add(this.snapshot);
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
  async get(collection: string, id: string): Promise<StoredDoc | null> {
    this.assertOpen();
    return this.buffer.get(collection, id);
  }

  /**
   * Creates or replaces the whole document; locks it first (DB_WRITE_CONFLICT when it cannot).
   * `options.merge`: the document is an update the caller applied, not a set (PutOptions).
   */
  put(collection: string, id: string, doc: Record<string, unknown>, options: PutOptions = {}): void {
    this.lock(collection, id);
    this.buffer.put(collection, id, doc, options);
  }

  /** Deletes the document (locks it, even when it does not exist). */
  delete(collection: string, id: string): void {
    this.lock(collection, id);
    this.buffer.delete(collection, id);
  }

  /** Applies every write in one commit and releases the locks. */
  async commit(): Promise<void> {
    this.assertOpen();
    // No other transaction or plain write can have touched a locked document: nothing to check.
    const writes = [...this.buffer.writes.values()];
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
    this.buffer.finish();
    this.host.locks.dropAll(this);
    this.host.locks.snapshots.delete(this.snapshot);
    this.release();
  }

  /** Takes the write lock on a document, or fails at once. */
  private lock(collection: string, id: string): void {
    this.assertOpen();
    assertCollectionName(collection);
    assertDocId(id);
    const key = docKey(collection, id);
    const holder = this.host.locks.get(key);
    if (holder === this) return;
    if (holder) {
      throw new DatabaseError('DB_WRITE_CONFLICT', `write conflict: ${collection}/${id} is locked by transaction ${holder.id}`);
    }
    if (this.snapshot.has(key)) {
      throw new DatabaseError('DB_WRITE_CONFLICT', `write conflict: ${collection}/${id} was changed after transaction ${this.id} began`);
    }
    this.host.locks.set(key, this);
  }

  private assertOpen(): void {
    if (this.ended !== null) throw new DatabaseError('DB_TX_CLOSED', `transaction ${this.id} is not open (${this.ended})`);
  }
}
