/** The production random source and clock (Node's CSPRNG and wall clock). */
import { randomFillSync } from 'crypto';
import type { Clock, RandomSource } from '../../../shared/ports';

/**
 * Random bytes drawn from the CSPRNG 4 KiB at a time and handed out in slices (as Node's own
 * `randomUUID` caches entropy): one `randomBytes` call per id cost more than the id is worth.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

function takeBytes(count: number): Buffer {
  if (count > pool.length) return randomFillSync(Buffer.alloc(count));
  if (used + count > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  // A copy, so that refilling the pool cannot change an id already handed out.
  const bytes = Buffer.from(pool.subarray(used, used + count));
  // Bytes handed out are never handed out again.
  pool.fill(0, used, used + count);
  used += count;
  return bytes;
}

/** Random ids from Node's CSPRNG, as base64url (no padding): `bytes` bytes of entropy. */
export const cryptoRandom: RandomSource = {
  id(bytes: number): string {
    return takeBytes(bytes).toString('base64url');
  },
};

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
