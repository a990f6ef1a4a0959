/** leaveRoom: leave the roster. Idempotent: a caller that is no longer in the room gets `{left: false}`. */
import { ErrorCode, ProtocolError } from '../../../../shared';
import { removeMember, transactRoster } from '../roster';
import { authenticate } from '../session';
import type { Handler } from './types';
import { leftCallRoom } from '../calls/roomLeft';
import { EndReason } from '../../../../shared/calls';

/** Errors that mean "already out": never joined, left, swept, kicked, or replaced by a newer join. */
const alreadyOut = new Set<string>([ErrorCode.NOT_IN_ROOM, ErrorCode.KICKED, ErrorCode.SESSION_REPLACED]);

/**
 * leaveRoom (see the file comment). A replaced or kicked session answers `{left: false}` (a
 * replaced one leaves the newer session's seat alone); IDENTITY_MISMATCH is still an error. The room is swept either way, so a
 * caller whose lease already ran out is taken off the roster now rather than by the next sweep.
 */
export const leaveRoom: Handler<'leaveRoom'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  // The call the member was in, if any (its presence says), or false: not in the room.
  const left = await transactRoster(deps.db, now, async (tx, { counts }): Promise<{ callId?: string } | false> => {
    try {
      const session = await authenticate(tx, caller, request, now);
      await removeMember(tx, counts, session.roomKey, session.memberId);
      return { callId: session.presence.callId };
    } catch (err) {
      if (err instanceof ProtocolError && alreadyOut.has(err.code)) return false;
      throw err;
    }
  });
  // Leaving a call's room hangs up (calls/roomLeft.ts).
  if (left) await leftCallRoom(deps, left.callId, request.userId, EndReason.HANGUP);
  return { left: left !== false };
};
