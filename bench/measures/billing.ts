/**
 * What CloudBase bills, counted at the local cloud: function invocations, database reads and
 * database writes (the pay-as-you-go guide and the personal plan count these three as "calls",
 * 调用次数). Counted where they arrive, not where the client thinks it sent them, so a retry inside
 * a function or a sweep a join runs alongside is billed as it would be.
 *
 * - invocations: every event the functions host runs (client callFunction, timer triggers);
 * - reads: `database.getDocument` (a doc get or a query) and `database.calculateDocument` (count);
 * - writes: `database.insertDocument`, `modifyDocument` (update, set, command.inc), `removeDocument`.
 *
 * Transaction control (`startTransaction`, `commitTransaction`, `abortTransaction`) is listed
 * separately and NOT billed as a read or write: the billing guide prices document operations, and a
 * transaction's reads and writes are already counted as the getDocument/modifyDocument requests
 * they are. If CloudBase turns out to bill them, add `transactions` to the total.
 */
import type { LocalCloud } from '../../emulator/jrtc/localCloud';

const READS = ['database.getDocument', 'database.calculateDocument'];
const WRITES = ['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'];
const TRANSACTIONS = ['database.startTransaction', 'database.commitTransaction', 'database.abortTransaction'];

/** The personal plan's calls a month (云开发 个人版: 20 万次调用/月). */
export const PERSONAL_PLAN_CALLS_PER_MONTH = 200_000;

/** Billed operations over a window. */
export interface Billed {
  invocations: number;
  reads: number;
  writes: number;
  /** Transaction start/commit/abort requests: listed, not in `total` (see the file comment). */
  transactions: number;
  /** invocations + reads + writes. */
  total: number;
}

/** Invocations per cloud, counted by one wrapper installed on its functions host. */
const invocationCounters = new WeakMap<LocalCloud, { count: number }>();

/**
 * Counts the invocations of `cloud` from now on (idempotent per cloud). The host has no counter of
 * its own, and both client calls and timer fires go through `invokeForWire`, so wrapping that one
 * method on this instance counts every event without touching the emulator.
 */
function invocationCounter(cloud: LocalCloud): { count: number } {
  let counter = invocationCounters.get(cloud);
  if (counter) return counter;
  const c = { count: 0 };
  counter = c;
  const host = cloud.functions;
  const original = host.invokeForWire.bind(host);
  host.invokeForWire = (...args: Parameters<typeof original>) => {
    c.count += 1;
    return original(...args);
  };
  invocationCounters.set(cloud, c);
  return c;
}

function sum(byAction: Record<string, number>, before: Record<string, number>, names: readonly string[]): number {
  return names.reduce((n, name) => n + (byAction[name] ?? 0) - (before[name] ?? 0), 0);
}

/** A meter started now: `read()` gives what was billed on `cloud` since. */
export function billingMeter(cloud: LocalCloud): { read(): Billed } {
  const counter = invocationCounter(cloud);
  const invocationsBefore = counter.count;
  const before = cloud.admin.stats().byAction;
  return {
    read(): Billed {
      const now = cloud.admin.stats().byAction;
      const invocations = counter.count - invocationsBefore;
      const reads = sum(now, before, READS);
      const writes = sum(now, before, WRITES);
      return { invocations, reads, writes, transactions: sum(now, before, TRANSACTIONS), total: invocations + reads + writes };
    },
  };
}

/** `b` divided by `by`, field by field. */
export function perUnit(b: Billed, by: number): Billed {
  return { invocations: b.invocations / by, reads: b.reads / by, writes: b.writes / by, transactions: b.transactions / by, total: b.total / by };
}
