import { ErrorCode, ProtocolError } from '../../../shared';
import type { Database, DbTransaction } from '../../../shared/ports';
import { RETRY_BUDGET_MS, TRANSACTION_CONFLICT, isConflict, transact } from './transact';

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

/** Backoff on a fake clock that only the waits move, each one the ceiling of its attempt. */
function recordingBackoff() {
  const waits: number[] = [];
  let clock = 0;
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
    clock += ms;
  };
  return { waits, ports: { sleep, random: () => 0.999999, now: () => clock } };
}

describe('transact: write conflicts are retried with backoff', () => {
  test('the conflict as wx-server-sdk 4.0.2 surfaces it (errCode -501001, no code) is a conflict; other codes are not', () => {
    const sdkShape = Object.assign(new Error('document.update:fail -501001 resource system error. write conflict'), { errCode: -501001 });
    expect(isConflict(sdkShape)).toBe(true);
    expect(isConflict({ code: TRANSACTION_CONFLICT })).toBe(true);
    expect(isConflict(Object.assign(new Error('document.update:fail -502001 database request fail.'), { errCode: -502001 }))).toBe(false);
    expect(isConflict(new Error('NOT_IN_ROOM'))).toBe(false);
    expect(isConflict(null)).toBe(false);
  });

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

  test('a busy room: 28 lost conflicts in a row still commit, inside the budget', async () => {
    const { db, calls } = contendedDb(28);
    const backoff = recordingBackoff();
    await expect(transact(db, async () => 'committed', backoff.ports)).resolves.toBe('committed');
    expect(calls).toHaveLength(29);
  });

  test(`after ${RETRY_BUDGET_MS} ms of lost conflicts the call answers BUSY (typed, retryable), never INTERNAL`, async () => {
    const { db, calls } = contendedDb(Number.POSITIVE_INFINITY);
    const backoff = recordingBackoff();
    const failure = await transact(db, async () => 1, backoff.ports).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe(ErrorCode.BUSY);
    // The last conflict is kept as the cause, for logs; the wire shape leaves it out.
    expect((failure as ProtocolError).cause).toMatchObject({ code: TRANSACTION_CONFLICT });
    expect((failure as ProtocolError).toShape()).not.toHaveProperty('cause');
    const waited = backoff.waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeLessThanOrEqual(RETRY_BUDGET_MS);
    expect(waited).toBeGreaterThan(RETRY_BUDGET_MS - 200);
    expect(calls).toHaveLength(backoff.waits.length + 1);
    expect(Math.max(...backoff.waits)).toBeLessThanOrEqual(200);
  });
});
