/**
 * Leaving a call's room ends one's part in the call: a leave is a hang-up, a ghost swept from the
 * room lost its network, a kick is the service ending it. Runs after the roster change committed;
 * a failure is logged, never the leave's (the call's timer housekeeping is the backstop).
 */
import { Collections } from '../../../../shared';
import type { EndReason } from '../../../../shared/calls';
import type { SweepDeps } from '../deps';
import { transact } from '../transact';
import { atTime, leave, partyIndex } from './callFlow';
import { readCall, writeCall } from './callStore';

/**
 * Ends `userId`'s part, with `reason`, in call `callId` (the presence that left names it; none: the
 * member was in no call, and nothing is read).
 */
export async function leftCallRoom(deps: SweepDeps, callId: string | undefined, userId: string, reason: EndReason): Promise<void> {
  if (callId === undefined) return;
  try {
    const now = deps.clock.now();
    await transact(deps.db, async (tx) => {
      const stored = await readCall(tx, callId);
      if (!stored) return;
      const call = atTime(stored, now);
      const index = partyIndex(call, userId);
      if (index < 0 || call.parties[index].state !== 'joined') {
        if (call !== stored) await writeCall(tx, call);
        return;
      }
      await writeCall(tx, leave(call, index, now, reason));
    });
  } catch (err) {
    console.error(`jrtc: ending ${userId}'s part in call ${callId} failed`, err);
  }
}

/** The timer's backstop: calls whose ring ran out with no phone left to ask (both killed) are settled. */
export async function settleDueCalls(deps: SweepDeps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const { data } = await deps.db.collection(Collections.calls).where({ dueAt: deps.db.command.lt(now) }).limit(limit).get();
  let settled = 0;
  for (const d of data) {
    const callId = typeof d._id === 'string' ? d._id : null;
    if (callId === null) continue;
    await transact(deps.db, async (tx) => {
      const stored = await readCall(tx, callId);
      const call = stored ? atTime(stored, now) : null;
      if (call && call !== stored) {
        await writeCall(tx, call);
        settled += 1;
      }
    });
  }
  return settled;
}
