/**
 * Runs a transaction, retrying when it lost a write conflict. CloudBase's transactions are
 * optimistic at the document level: two that write the same document (a room's counters, on every
 * join and leave) cannot both commit, and the loser fails with DATABASE_TRANSACTION_CONFLICT.
 * @cloudbase/database retries a conflict at once, 3 times, so a busy room makes every retry
 * collide again; here each retry waits a random, growing while first (full-jitter backoff), so
 * contending instances spread out. The platform's own immediate retries are turned off (0).
 * Retries are bounded by time, not by count: how many a join needs grows with how many others
 * contend for the room, while what a caller can wait for is the function's timeout (10 s).
 */
import type { Database, DbTransaction } from './ports';

/** The code @cloudbase/database gives a transaction that lost a conflict. */
export const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';

/**
 * How long, from the first attempt, a conflict is retried before it is let through (then the
 * action fails as INTERNAL): well inside the function's 10 s timeout, so the caller hears why.
 */
export const RETRY_BUDGET_MS = 6000;
/** The backoff's first ceiling and its cap, in ms. */
const BASE_MS = 5;
const CAP_MS = 200;

/** How `transact` waits and draws jitter; tests pass their own. */
export interface BackoffPorts {
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

const realBackoff: BackoffPorts = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => performance.now(),
};

/** True for the error a transaction that lost a write conflict fails with. */
export function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === TRANSACTION_CONFLICT;
}

/**
 * `db.runTransaction(fn)`, retried with backoff while it loses conflicts. `fn` may run several
 * times, so it must have no side effects beyond the transaction (as ports.ts asks already).
 */
export async function transact<T>(db: Database, fn: (tx: DbTransaction) => Promise<T>, backoff: BackoffPorts = realBackoff): Promise<T> {
  const started = backoff.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.runTransaction(fn, 0);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const wait = Math.floor(backoff.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt));
      if (backoff.now() - started + wait > RETRY_BUDGET_MS) throw err;
      await backoff.sleep(wait);
    }
  }
}
