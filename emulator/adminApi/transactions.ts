/**
 * The Admin API's transactions: `database.startTransaction` opens one on the store with CloudBase's
 * lock model (store/lockTx.ts: snapshot reads, a lock taken at each write, another transaction's
 * write to a locked document refused at once, plain writes waiting for the lock), the document
 * operations that carry its id go to it, `commitTransaction` applies its writes and
 * `abortTransaction` (or the 30 s timeout) drops them. A refused write is answered
 * `DATABASE_TRANSACTION_CONFLICT` on the wire (failures.ts), which the real wx-server-sdk surfaces
 * inside the callback as an Error with `errCode: -501001` and no `code` (PROTOCOL.md, "Transactions").
 */
import { randomBytes } from 'crypto';
import type { LockTx } from '../store/lockTx';
import type { DocumentStore } from '../store/store';
import { AdminFailure } from './failures';

/** Starts a timer; returns its cancel. Injectable so tests can fire a timeout without waiting. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

/** setTimeout, unref'd so an abandoned transaction never keeps the process alive. */
export const realScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** How long a transaction may live (CloudBase aborts it after 30 s: 小程序云开发 guide, 数据库事务). */
export const DEFAULT_TX_TIMEOUT_MS = 30_000;

/** One open transaction, as the actions use it: reads see its snapshot and own writes; writes lock. */
export type RemoteTransaction = LockTx;

/** Options of RemoteTransactions. */
export interface RemoteTransactionsOptions {
  timeoutMs?: number;
  schedule?: Scheduler;
}

/** The open transactions of one Admin API, by id. */
export class RemoteTransactions {
  private readonly open = new Map<string, LockTx>();
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

  /** Opens a transaction; it is aborted (its locks released) if neither committed nor aborted within the timeout. */
  start(): string {
    const id = randomBytes(16).toString('hex');
    const tx = this.store.beginLocked({
      id,
      timeoutMs: this.timeoutMs,
      schedule: (fn, ms) =>
        this.schedule(() => {
          fn();
          this.open.delete(id);
        }, ms),
    });
    this.open.set(id, tx);
    return id;
  }

  /** The open transaction `id`, or undefined (no failure: the action reports it). */
  find(id: string): RemoteTransaction | undefined {
    const tx = this.open.get(id);
    return tx?.open ? tx : undefined;
  }

  /** The open transaction `id`; DATABASE_TRANSACTION_FAIL when unknown, finished or timed out. */
  get(id: string): RemoteTransaction {
    const tx = this.open.get(id);
    if (!tx || !tx.open) throw new AdminFailure('DATABASE_TRANSACTION_FAIL', `transaction ${id} is not open (unknown, finished or timed out)`);
    return tx;
  }

  /** Applies the writes and forgets `id` (a commit cannot conflict: the locks were taken at the writes). */
  async commit(id: string): Promise<void> {
    const tx = this.get(id);
    this.open.delete(id);
    await tx.commit();
  }

  /** Drops `id`, its writes and its locks. */
  abort(id: string): void {
    this.get(id).abort();
    this.open.delete(id);
  }

  /** Drops every open transaction (the local cloud stops). */
  abortAll(): void {
    for (const tx of this.open.values()) tx.abort();
    this.open.clear();
  }
}
