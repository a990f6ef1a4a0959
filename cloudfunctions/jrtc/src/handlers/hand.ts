/** raiseHand / lowerHand: the caller's `handRaised`, public on its member document (anchors watch it). */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import type { CoreDeps } from '../deps';
import type { CallerContext } from '../../../../shared/ports';
import { memberDocSchema, readDoc, toPublicMember } from '../records';
import type { MemberDoc } from '../records';
import { authenticate } from '../session';
import type { SessionRef } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';
import { transact } from '../transact';

/** Sets the caller's hand; an unchanged hand writes nothing (no watch traffic, no version bump). */
async function setHand(deps: CoreDeps, caller: CallerContext, ref: SessionRef, raised: boolean): Promise<MemberDoc> {
  const now = deps.clock.now();
  const { member, roomKey } = await transact(deps.db, async (tx) => {
    const session = await authenticate(tx, caller, ref, now);
    const current = await readDoc(tx, Collections.members, session.memberId, memberDocSchema);
    if (!current) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    if ((current.handRaised === true) === raised) return { member: current, roomKey: session.roomKey };
    const next: MemberDoc = { ...current, handRaised: raised, version: current.version + 1 };
    await tx.collection(Collections.members).doc(session.memberId).update({
      data: { handRaised: raised, version: next.version },
    });
    return { member: next, roomKey: session.roomKey };
  });
  await trySweepRoom(deps, roomKey);
  return member;
}

/** raiseHand: any member may raise its hand (typically audience asking for the stage). */
export const raiseHand: Handler<'raiseHand'> = async (request, { caller, deps }) => ({
  member: toPublicMember(await setHand(deps, caller, request, true)),
});

/** lowerHand: lowers the caller's hand (taking the stage lowers it too). */
export const lowerHand: Handler<'lowerHand'> = async (request, { caller, deps }) => ({
  member: toPublicMember(await setHand(deps, caller, request, false)),
});
