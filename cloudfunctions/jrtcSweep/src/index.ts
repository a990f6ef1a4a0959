/**
 * The timer function (every minute): removes ghosts of every room and the nonces of expired tokens.
 * Needs no app config, only the database. Replies with the envelope and what it removed.
 */
import { fail, ok, toProtocolError } from '../../../shared';
import type { Reply } from '../../../shared';
import { platformDatabase } from '../../jrtc/src/platformDatabase';
import { systemClock } from '../../jrtc/src/random';
import { HousekeepingSchedule, RecountMemory, sweepAll } from '../../jrtc/src/sweep';
import type { SweepStats } from '../../jrtc/src/sweep';

/** Recounts wait here between runs while this instance stays warm (sweep.ts reconcileCounts). */
const recounts = new RecountMemory();
/** When this instance last purged and recounted (sweep.ts HOUSEKEEPING_EVERY_MS). */
const housekeeping = new HousekeepingSchedule();

/** The function's handler, as the timer trigger (or a manual run) calls it. */
export async function main(_event: unknown, _context: unknown): Promise<Reply<SweepStats>> {
  try {
    const now = systemClock.now();
    const due = housekeeping.due(now, recounts);
    const callRecords = due && housekeeping.callRecordsDue(now);
    return ok(await sweepAll({ db: platformDatabase(), clock: systemClock }, { recounts, housekeeping: due, callRecords }));
  } catch (err) {
    console.error('jrtcSweep: sweep failed', err);
    return fail(toProtocolError(err));
  }
}
