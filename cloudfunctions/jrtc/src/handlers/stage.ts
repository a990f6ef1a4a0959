/**
 * Stage control by the room's owner: the stage policy and cap, invitations, promotion and demotion.
 * Role changes move the room's counts after the member's transaction commits (roster.ts).
 */
import { Collections, Role, SystemSignal } from '../../../../shared';
import type { Role as RoleValue } from '../../../../shared';
import { readTarget, runAsOwner } from '../owner';
import type { OwnerSession, Target } from '../owner';
import type { DbTransaction } from '../../../../shared/ports';
import { presenceDocSchema, readDoc, toPublicMember, toRoomSummary } from '../records';
import type { MemberDoc, RoomDoc } from '../records';
import type { RosterScope } from '../roster';
import { writeSignal } from '../signals';
import type { Handler } from './types';

/**
 * setStagePolicy: `open` (anyone may take the stage) or `invite` (the owner decides), and the stage
 * cap: `maxAnchors` sets it, null removes it, absent keeps it. A cap below the current number of
 * anchors removes nobody; it only refuses new anchors until enough step down. Unchanged → no write.
 */
export const setStagePolicy: Handler<'setStagePolicy'> = async (request, { caller, deps }) => {
  const room = await runAsOwner(deps, caller, request, async (tx, { room }, now) => {
    const cap = request.maxAnchors === undefined ? room.maxAnchors : (request.maxAnchors ?? undefined);
    if (room.stagePolicy === request.policy && room.maxAnchors === cap) return room;
    const next: RoomDoc = { ...room, stagePolicy: request.policy, version: room.version + 1, updatedAt: now };
    // No cap is an absent key in the reply too, not `maxAnchors: undefined`.
    if (cap === undefined) delete next.maxAnchors;
    else next.maxAnchors = cap;
    const doc = tx.collection(Collections.rooms).doc(room.roomKey);
    if (cap === undefined && room.maxAnchors !== undefined) {
      // No cap is an absent field (the documented shape), not a stored null. The whole document is
      // written rather than a remove() command: set is what the platform documents for transactions.
      await doc.set({ data: { ...next } });
    } else {
      const data: Record<string, unknown> = { stagePolicy: next.stagePolicy, version: next.version, updatedAt: now };
      if (cap !== room.maxAnchors) data.maxAnchors = cap;
      await doc.update({ data });
    }
    return next;
  });
  return { room: toRoomSummary(room) };
};

/**
 * inviteToStage: marks the target invited (it may then setRole(1) in an invite-only room) and sends
 * it a `jrtc.invited` signal, so an audience member, which does not watch its own document, learns
 * of it at once. A repeated invitation writes no member change but signals again (a reminder).
 */
export const inviteToStage: Handler<'inviteToStage'> = async (request, { caller, deps }) => {
  const signalId = deps.random.id(12);
  const member = await runAsOwner(deps, caller, request, async (tx, owner, now) => {
    const target = await readTarget(tx, owner.session.roomKey, request.targetUserId);
    const presence = await readDoc(tx, Collections.presence, target.memberId, presenceDocSchema);
    let next = target.member;
    if (next.invited !== true) {
      next = { ...next, invited: true, version: next.version + 1 };
      await tx.collection(Collections.members).doc(target.memberId).update({
        data: { invited: true, version: next.version },
      });
    }
    if (presence) {
      const to = { userId: request.targetUserId, openid: presence.openid };
      await writeSignal(tx, owner.session, { id: signalId, type: SystemSignal.INVITED, payload: null, to }, now);
    }
    return next;
  });
  return { member: toPublicMember(member) };
};

/** Sets the target's role (and its invitation), moving the counts when the role changes. */
async function changeRole(
  tx: DbTransaction,
  { room }: OwnerSession,
  { memberId, member }: Target,
  role: RoleValue,
  { counts, rooms }: RosterScope,
): Promise<MemberDoc> {
  const onStage = role === Role.ANCHOR;
  const publishing = onStage ? member.stream.publishing : false;
  const lowerHand = onStage && member.handRaised === true;
  if (member.role === role && (member.invited === true) === onStage && !lowerHand) return member;
  if (onStage && member.role !== Role.ANCHOR) await rooms.takeSeat(room, room.ownerUserId, member.userId);
  const next: MemberDoc = {
    ...member,
    role,
    invited: onStage,
    stream: { ...member.stream, publishing },
    version: member.version + 1,
  };
  const data: Record<string, unknown> = { role, invited: onStage, stream: { publishing }, version: next.version };
  if (lowerHand) {
    next.handRaised = false;
    data.handRaised = false;
  }
  await tx.collection(Collections.members).doc(memberId).update({ data });
  counts.move(room.roomKey, member.role, role);
  return next;
}

/**
 * promote: the target becomes an anchor at once, whatever the stage policy, and is marked invited
 * so that a rejoin (a reconnect) keeps it on stage; its raised hand is lowered. The stage cap holds
 * for the owner's promotions too (STAGE_FULL): it is there because pages cannot play more streams.
 */
export const promote: Handler<'promote'> = async (request, { caller, deps }) => {
  const member = await runAsOwner(deps, caller, request, async (tx, owner, _now, scope) =>
    changeRole(tx, owner, await readTarget(tx, owner.session.roomKey, request.targetUserId), Role.ANCHOR, scope),
  );
  return { member: toPublicMember(member) };
};

/**
 * demote: the target becomes audience, stops publishing and loses its invitation (so it cannot
 * take the stage again in an invite-only room until invited anew). Demoting a member that is
 * audience already withdraws its invitation.
 */
export const demote: Handler<'demote'> = async (request, { caller, deps }) => {
  const member = await runAsOwner(deps, caller, request, async (tx, owner, _now, scope) =>
    changeRole(tx, owner, await readTarget(tx, owner.session.roomKey, request.targetUserId), Role.AUDIENCE, scope),
  );
  return { member: toPublicMember(member) };
};
