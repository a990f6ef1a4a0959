/** The production random source and clock (Node's CSPRNG and wall clock). */
import { randomBytes } from 'crypto';
import type { Clock, RandomSource } from './ports';

/** Random ids from Node's CSPRNG, as base64url (no padding): `bytes` bytes of entropy. */
export const cryptoRandom: RandomSource = {
  id(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  },
};

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
