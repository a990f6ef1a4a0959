/**
 * What owner actions (setStagePolicy, inviteToStage, promote, demote, kick, mute, muteAll, transferOwnership)
 * share: the caller must be the room's owner, and the member it names must be in the room. Both run
 * inside the action's transaction, so the check and the write see the same state.
 */
import { Collections, ErrorCode, ProtocolError, memberIdOf } from '../../../shared';
import type { CoreDeps } from './deps';
import type { CallerContext, DbTransaction } from '../../../shared/ports';
import { memberDocSchema, readDoc, roomDocSchema } from './records';
import type { MemberDoc, RoomDoc } from './records';
import { authenticate } from './session';
import type { Session, SessionRef } from './session';
import { transactRoster } from './roster';
import type { RosterScope } from './roster';

/** The owner's authenticated session and its room. */
export interface OwnerSession {
  session: Session;
  room: RoomDoc;
}

/** A member named by an owner action. */
export interface Target {
  memberId: string;
  member: MemberDoc;
}

/** Authenticates the caller (session.ts) and fails with NOT_OWNER unless it owns the room. */
export async function authenticateOwner(
  tx: DbTransaction,
  caller: CallerContext,
  ref: SessionRef,
  now: number,
): Promise<OwnerSession> {
  const session = await authenticate(tx, caller, ref, now);
  const room = await readDoc(tx, Collections.rooms, session.roomKey, roomDocSchema);
  if (!room) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
  if (room.ownerUserId !== ref.userId) throw new ProtocolError(ErrorCode.NOT_OWNER, 'only the room owner may do this');
  return { session, room };
}

/** Reads the member `userId` of the room; TARGET_NOT_IN_ROOM when there is none. */
export async function readTarget(tx: DbTransaction, roomKey: string, userId: string): Promise<Target> {
  const memberId = memberIdOf(roomKey, userId);
  const member = await readDoc(tx, Collections.members, memberId, memberDocSchema);
  if (!member) throw new ProtocolError(ErrorCode.TARGET_NOT_IN_ROOM, `${userId} is not in this room`);
  return { memberId, member };
}

/**
 * Runs `body` in one roster transaction (roster.ts: count changes applied after the commit) after
 * authenticating the caller as the room's owner.
 */
export async function runAsOwner<T>(
  deps: CoreDeps,
  caller: CallerContext,
  ref: SessionRef,
  body: (tx: DbTransaction, owner: OwnerSession, now: number, scope: RosterScope) => Promise<T>,
): Promise<T> {
  const now = deps.clock.now();
  return transactRoster(deps.db, now, async (tx, scope) => body(tx, await authenticateOwner(tx, caller, ref, now), now, scope));
}
