/** raiseHand / lowerHand: the caller's `handRaised`, public on its member document (anchors watch it). */
import { Collections } from '../../../../shared';
import type { CoreDeps } from '../deps';
import type { CallerContext } from '../../../../shared/ports';
import { runAsMember } from '../member';
import { toPublicMember } from '../records';
import type { MemberDoc } from '../records';
import type { SessionRef } from '../session';
import type { Handler } from './types';

/** Sets the caller's hand; an unchanged hand writes nothing (no watch traffic, no version bump). */
function setHand(deps: CoreDeps, caller: CallerContext, ref: SessionRef, raised: boolean): Promise<MemberDoc> {
  return runAsMember(deps, caller, ref, async (tx, { session, member: current }) => {
    if ((current.handRaised === true) === raised) return current;
    const next: MemberDoc = { ...current, handRaised: raised, version: current.version + 1 };
    await tx.collection(Collections.members).doc(session.memberId).update({
      data: { handRaised: raised, version: next.version },
    });
    return next;
  });
}

/** raiseHand: any member may raise its hand (typically audience asking for the stage). */
export const raiseHand: Handler<'raiseHand'> = async (request, { caller, deps }) => ({
  member: toPublicMember(await setHand(deps, caller, request, true)),
});

/** lowerHand: lowers the caller's hand (taking the stage lowers it too). */
export const lowerHand: Handler<'lowerHand'> = async (request, { caller, deps }) => ({
  member: toPublicMember(await setHand(deps, caller, request, false)),
});
