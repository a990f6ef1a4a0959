/**
 * Runs a transaction, retrying when it lost a write conflict. CloudBase locks a document at a
 * transaction's write (小程序云开发 guide, 数据库事务: "写操作会给对象加上事务锁", "其他事务的写入会
 * 直接失败"): the second transaction to write a document fails at that write, inside its callback.
 * wx-server-sdk 4.0.2 surfaces that as an Error with `errCode: -501001` and no `code`
 * (`maybeTransformError` + `toSDKError`), so @cloudbase/database's own retry, which tests
 * `error.code === 'DATABASE_TRANSACTION_CONFLICT'`, never fires: we retry here. Each retry waits a
 * random, growing while first (full-jitter backoff), so contending instances spread out.
 * When the budget is spent the call answers BUSY (typed, retryable): a lock that outlives it is
 * most likely a transaction of a call that died, which CloudBase releases within 30 s.
 * Retries are bounded by time, not by count: how many a join needs grows with how many others
 * contend for the room, while what a caller can wait for is the function's timeout (10 s).
 */
import { ErrorCode, ProtocolError } from '../../../shared';
import type { Database, DbTransaction } from '../../../shared/ports';

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

/** Real sleeps, Math.random and a monotonic clock (the default of transact). */
const realBackoff: BackoffPorts = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => performance.now(),
};

/** wx-server-sdk's errCode for a platform failure it has no number for (TCB_ERR_CODE.SYS_ERR). */
const SYS_ERR = -501001;

/**
 * True for the error a transaction that lost a write conflict fails with: the platform's
 * `{code: 'DATABASE_TRANSACTION_CONFLICT'}` as @cloudbase/database reports it, or any failure
 * wx-server-sdk translated to -501001 (TCB_ERR_CODE.SYS_ERR: the code dropped, only the message
 * left). CloudBase does not document the message of a lock conflict, so we do not match on it: the
 * stricter reading is that every -501001 of a transaction may be one, and re-running a transaction
 * is always safe (it has no effect beyond its writes, which the platform rolled back). A fault that
 * persists is answered INTERNAL once RETRY_BUDGET_MS is spent.
 */
export function isConflict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; errCode?: unknown };
  return e.code === TRANSACTION_CONFLICT || e.errCode === SYS_ERR;
}

/**
 * `db.runTransaction(fn)`, retried with backoff while it loses conflicts. `fn` may run several
 * times, so it must have no side effects beyond the transaction (as ports.ts asks already).
 */
export async function transact<T>(
  db: Database,
  fn: (tx: DbTransaction) => Promise<T>,
  backoff: BackoffPorts = realBackoff,
  budgetMs: number = RETRY_BUDGET_MS,
): Promise<T> {
  const started = backoff.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.runTransaction(fn, 0);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const wait = Math.floor(backoff.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt));
      if (backoff.now() - started + wait > budgetMs) {
        // Typed and retryable, never INTERNAL: the transaction changed nothing.
        throw new ProtocolError(ErrorCode.BUSY, 'the documents this call writes are held by another write; try again in a few seconds', undefined, err);
      }
      await backoff.sleep(wait);
    }
  }
}
