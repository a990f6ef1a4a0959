/** setRole: become anchor (1) or audience (2), as the room's stage policy allows. */
import { Collections, ErrorCode, ProtocolError, Role } from '../../../../shared';
import { authenticateMember } from '../member';
import { readDoc, roomDocSchema, toPublicMember } from '../records';
import type { MemberDoc } from '../records';
import { transactRoster } from '../roster';
import type { Handler } from './types';

/**
 * setRole (see the file comment). Taking the stage in an `invite` room is for the owner and the
 * members it invited (inviteToStage, promote; ROLE_FORBIDDEN otherwise), is refused with STAGE_FULL
 * when the stage is at its cap (the owner excepted), and lowers a raised hand;
 * stepping down is always allowed and stops publishing. Asking for the role already held changes
 * nothing.
 */
export const setRole: Handler<'setRole'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const member = await transactRoster(deps.db, now, async (tx, { counts, rooms }) => {
    const { session, member: current } = await authenticateMember(tx, caller, request, now);
    const room = await readDoc(tx, Collections.rooms, session.roomKey, roomDocSchema);
    if (!room) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    if (current.role === request.role) return current;
    const onStage = request.role === Role.ANCHOR;
    if (onStage && room.stagePolicy === 'invite' && room.ownerUserId !== request.userId && current.invited !== true) {
      throw new ProtocolError(ErrorCode.ROLE_FORBIDDEN, 'only the owner and invited members may take the stage in this room');
    }
    if (onStage) await rooms.takeSeat(room, room.ownerUserId, request.userId);
    const publishing = onStage ? current.stream.publishing : false;
    const next: MemberDoc = {
      ...current,
      role: request.role,
      stream: { ...current.stream, publishing },
      version: current.version + 1,
    };
    const data: Record<string, unknown> = { role: next.role, stream: { publishing }, version: next.version };
    // The hand was raised to get on stage: once there, it is lowered.
    if (onStage && current.handRaised) {
      next.handRaised = false;
      data.handRaised = false;
    }
    await tx.collection(Collections.members).doc(session.memberId).update({ data });
    counts.move(session.roomKey, current.role, next.role);
    return next;
  });
  return { member: toPublicMember(member) };
};
