/**
 * The timer function (every minute): removes ghosts of every room and the nonces of expired tokens.
 * Needs no app config, only the database. Replies with the envelope and what it removed.
 */
import * as cloud from 'wx-server-sdk';
import { fail, ok, toProtocolError } from '../../../shared';
import type { Reply } from '../../../shared';
import type { Database } from '../../jrtc/src/ports';
import { systemClock } from '../../jrtc/src/random';
import { sweepAll } from '../../jrtc/src/sweep';
import type { SweepStats } from '../../jrtc/src/sweep';

// See cloudfunctions/jrtc/src/index.ts for why these casts are needed.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
const db = cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]) as unknown as Database;

/** The function's handler, as the timer trigger (or a manual run) calls it. */
export async function main(_event: unknown, _context: unknown): Promise<Reply<SweepStats>> {
  try {
    return ok(await sweepAll({ db, clock: systemClock }));
  } catch (err) {
    console.error('jrtcSweep: sweep failed', err);
    return fail(toProtocolError(err));
  }
}
