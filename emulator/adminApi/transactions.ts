/**
 * The Admin API's transactions: `database.startTransaction` hands out an id, the document
 * operations that carry it are buffered here, `commitTransaction` applies them in one store
 * transaction and `abortTransaction` (or the timeout) drops them.
 *
 * Why optimistic and not a held lock: the SDK spreads a transaction over several HTTP requests
 * from another process, and holding the store's write lock between them would stall every other
 * writer (and deadlock a function that writes outside its own transaction). Instead, like
 * CloudBase's document-level transactions, each document the transaction touches is remembered
 * as it was first seen; at commit, under the store's write lock, any such document that has
 * changed since makes the commit fail with DATABASE_TRANSACTION_CONFLICT, which
 * @cloudbase/database's runTransaction answers by running the callback again (up to 3 times).
 */
import { randomBytes } from 'crypto';
import { assertCollectionName, assertDocId, copyJson, jsonEqual, toStoredDoc } from '../store/docData';
import type { DocumentStore } from '../store/store';
import type { PutOptions, StoredDoc } from '../store/storeTypes';
import { AdminFailure } from './failures';

/** Starts a timer; returns its cancel. Injectable so tests can fire a timeout without waiting. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

/** setTimeout, unref'd so an abandoned transaction never keeps the process alive. */
export const realScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** How long a transaction may stay open by default (CloudBase aborts idle ones too). */
export const DEFAULT_TX_TIMEOUT_MS = 30_000;

interface Touched {
  collection: string;
  id: string;
  /** The document when the transaction first touched it (null = absent). */
  seen: StoredDoc | null;
  /** What the transaction makes of it: undefined = unchanged, null = deleted. */
  next?: StoredDoc | null;
  /** Whether a set (not a merge) wrote it: its change event is then a replacement (PutOptions). */
  replaced?: boolean;
}

const keyOf = (collection: string, id: string): string => `${collection}\u0000${id}`;

/** One open transaction: reads see its own writes; nothing reaches the store before commit. */
export class RemoteTransaction {
  private readonly touched = new Map<string, Touched>();

  constructor(
    readonly id: string,
    private readonly store: DocumentStore,
  ) {}

  private async touch(collection: string, id: string): Promise<Touched> {
    assertCollectionName(collection);
    assertDocId(id);
    const key = keyOf(collection, id);
    let entry = this.touched.get(key);
    if (!entry) {
      const seen = await this.store.get(collection, id);
      // Two concurrent first reads of one document: the earlier record wins.
      entry = this.touched.get(key) ?? { collection, id, seen };
      this.touched.set(key, entry);
    }
    return entry;
  }

  /** The document as this transaction sees it (a copy), or null. */
  async read(collection: string, id: string): Promise<StoredDoc | null> {
    const entry = await this.touch(collection, id);
    const doc = entry.next === undefined ? entry.seen : entry.next;
    return doc && copyJson(doc);
  }

  /**
   * Creates or replaces the document (validated now, so a bad value fails this call, not the
   * commit). `options.merge`: the document is an update the caller applied (PutOptions).
   */
  async put(collection: string, id: string, doc: Record<string, unknown>, options: PutOptions = {}): Promise<void> {
    const entry = await this.touch(collection, id);
    entry.next = toStoredDoc(id, doc);
    // As BufferedWrite.replaced: once set in this transaction, the document stays a replacement.
    entry.replaced = options.merge !== true || entry.replaced === true;
  }

  /** Deletes the document (a no-op if it does not exist). */
  async delete(collection: string, id: string): Promise<void> {
    const entry = await this.touch(collection, id);
    entry.next = null;
    entry.replaced = false;
  }

  /** Applies the writes if nothing it touched changed meanwhile; all or nothing. */
  commit(): Promise<void> {
    const entries = [...this.touched.values()];
    return this.store.transact(async (tx) => {
      for (const e of entries) {
        if (!jsonEqual(await tx.get(e.collection, e.id), e.seen)) {
          throw new AdminFailure(
            'DATABASE_TRANSACTION_CONFLICT',
            `transaction ${this.id}: document ${e.collection}/${e.id} was changed by another write`,
          );
        }
      }
      for (const e of entries) {
        if (e.next === null) tx.delete(e.collection, e.id);
        else if (e.next !== undefined) tx.put(e.collection, e.id, e.next, { merge: e.replaced !== true });
      }
    });
  }
}

/** Options of RemoteTransactions. */
export interface RemoteTransactionsOptions {
  timeoutMs?: number;
  schedule?: Scheduler;
}

/** The open transactions of one Admin API, by id. */
export class RemoteTransactions {
  private readonly open = new Map<string, { tx: RemoteTransaction; cancel: () => void }>();
  private readonly timeoutMs: number;
  private readonly schedule: Scheduler;

  constructor(
    private readonly store: DocumentStore,
    options: RemoteTransactionsOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TX_TIMEOUT_MS;
    this.schedule = options.schedule ?? realScheduler;
  }

  /** How many are open (for the info route and tests). */
  get size(): number {
    return this.open.size;
  }

  /** Opens a transaction; it is aborted if neither committed nor aborted within the timeout. */
  start(): string {
    const id = randomBytes(16).toString('hex');
    const cancel = this.schedule(() => this.open.delete(id), this.timeoutMs);
    this.open.set(id, { tx: new RemoteTransaction(id, this.store), cancel });
    return id;
  }

  /** The open transaction `id`; DATABASE_TRANSACTION_FAIL when unknown, finished or timed out. */
  get(id: string): RemoteTransaction {
    const entry = this.open.get(id);
    if (!entry) throw new AdminFailure('DATABASE_TRANSACTION_FAIL', `transaction ${id} is not open (unknown, finished or timed out)`);
    return entry.tx;
  }

  /** Commits and forgets `id`; a failed commit (conflict) forgets it too, as the SDK starts anew. */
  async commit(id: string): Promise<void> {
    const tx = this.get(id);
    this.finish(id);
    await tx.commit();
  }

  /** Drops `id` and its writes. */
  abort(id: string): void {
    this.get(id);
    this.finish(id);
  }

  /** Drops every open transaction (the local cloud stops). */
  abortAll(): void {
    for (const id of [...this.open.keys()]) this.finish(id);
  }

  private finish(id: string): void {
    this.open.get(id)?.cancel();
    this.open.delete(id);
  }
}
