/**
 * What member actions on the caller's own member document (raiseHand / lowerHand, publish /
 * unpublish, setMuted, setRole) share: the caller must hold a live session in the room and have a
 * member document there. The check runs inside the action's transaction, so it and the write see
 * the same state. runAsOwner (owner.ts) is the same for the owner's actions.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../shared';
import type { CallerContext, DbTransaction } from '../../../shared/ports';
import type { CoreDeps } from './deps';
import { memberDocSchema, readDoc } from './records';
import type { MemberDoc } from './records';
import { authenticate } from './session';
import type { Session, SessionRef } from './session';
import { transact } from './transact';

/** The caller's authenticated session and its own member document. */
export interface MemberSession {
  session: Session;
  member: MemberDoc;
}

/** Authenticates the caller (session.ts) and reads its member document; NOT_IN_ROOM when there is none. */
export async function authenticateMember(tx: DbTransaction, caller: CallerContext, ref: SessionRef, now: number): Promise<MemberSession> {
  const session = await authenticate(tx, caller, ref, now);
  const member = await readDoc(tx, Collections.members, session.memberId, memberDocSchema);
  if (!member) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
  return { session, member };
}

/** Runs `body` in one transaction after authenticating the caller as a member of the room. */
export async function runAsMember<T>(
  deps: CoreDeps,
  caller: CallerContext,
  ref: SessionRef,
  body: (tx: DbTransaction, me: MemberSession, now: number) => Promise<T>,
): Promise<T> {
  const now = deps.clock.now();
  return transact(deps.db, async (tx) => body(tx, await authenticateMember(tx, caller, ref, now), now));
}
