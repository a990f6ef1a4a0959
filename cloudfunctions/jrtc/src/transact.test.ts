import type { Database, DbTransaction } from './ports';
import { MAX_ATTEMPTS, TRANSACTION_CONFLICT, isConflict, transact } from './transact';

/** A database whose transactions lose `conflicts` write conflicts, then commit. */
function contendedDb(conflicts: number, other?: Error) {
  const calls: Array<number | undefined> = [];
  const db = {
    runTransaction: async <T>(fn: (tx: DbTransaction) => Promise<T>, retries?: number): Promise<T> => {
      calls.push(retries);
      if (other) throw other;
      if (calls.length <= conflicts) throw Object.assign(new Error('document was changed by another write'), { code: TRANSACTION_CONFLICT });
      return fn({} as DbTransaction);
    },
  } as unknown as Database;
  return { db, calls };
}

function recordingBackoff() {
  const waits: number[] = [];
  // The largest jitter draw, so each wait is the ceiling of its attempt.
  return { waits, ports: { sleep: async (ms: number) => void waits.push(ms), random: () => 0.999999 } };
}

describe('transact: write conflicts are retried with backoff', () => {
  test('divergence: CloudBase transactions conflict under contention; a lost conflict is retried after a growing random wait', async () => {
    const { db, calls } = contendedDb(4);
    const backoff = recordingBackoff();
    await expect(transact(db, async () => 'committed', backoff.ports)).resolves.toBe('committed');
    expect(calls).toEqual([0, 0, 0, 0, 0]);
    expect(backoff.waits).toHaveLength(4);
    for (let i = 1; i < backoff.waits.length; i++) expect(backoff.waits[i]).toBeGreaterThan(backoff.waits[i - 1]);
  });

  test('other errors are not retried', async () => {
    const { db, calls } = contendedDb(0, new Error('NOT_IN_ROOM'));
    const backoff = recordingBackoff();
    await expect(transact(db, async () => 1, backoff.ports)).rejects.toThrow('NOT_IN_ROOM');
    expect(calls).toHaveLength(1);
    expect(backoff.waits).toEqual([]);
  });

  test(`after ${MAX_ATTEMPTS} lost conflicts the conflict is let through`, async () => {
    const { db, calls } = contendedDb(Number.POSITIVE_INFINITY);
    const backoff = recordingBackoff();
    const failure = await transact(db, async () => 1, backoff.ports).catch((err: unknown) => err);
    expect(isConflict(failure)).toBe(true);
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(Math.max(...backoff.waits)).toBeLessThanOrEqual(200);
  });
});
