/**
 * mute (owner), setMuted (self) and muteAll (owner, the whole room). The member document's
 * `stream.muted` is what every client follows (listeners show it, the member's SDK mutes its
 * pusher); it is true while either cause holds, and each action changes only its own cause
 * (shared/common.ts streamSchema says why). Publishing is unaffected: a muted anchor keeps its stream.
 * muteAll's room-wide mute is kept on the room document (`allMuted`), outside `stream.muted`, rather
 * than copied onto every member: one write whatever the room's size, later joiners are covered
 * without joinRoom doing anything, and lifting it cannot disturb the members' own causes. Clients
 * combine the two (a member but the owner is silent while either holds).
 */
import { Collections } from '../../../../shared';
import type { Stream } from '../../../../shared';
import { runAsMember } from '../member';
import { readTarget, runAsOwner } from '../owner';
import type { DbTransaction } from '../../../../shared/ports';
import { toPublicMember, toRoomSummary } from '../records';
import type { MemberDoc, RoomDoc } from '../records';
import type { Handler } from './types';

/** Which mute cause to change. */
type MuteCause = { selfMuted: boolean } | { adminMuted: boolean };

/** Applies one cause to a member and writes the stream when anything changed. */
async function applyMute(tx: DbTransaction, memberId: string, member: MemberDoc, cause: MuteCause): Promise<MemberDoc> {
  const selfMuted = 'selfMuted' in cause ? cause.selfMuted : member.stream.selfMuted === true;
  const adminMuted = 'adminMuted' in cause ? cause.adminMuted : member.stream.adminMuted === true;
  const muted = selfMuted || adminMuted;
  const s = member.stream;
  if (s.muted === muted && (s.selfMuted === true) === selfMuted && (s.adminMuted === true) === adminMuted) return member;
  const stream: Stream = { ...s, muted, selfMuted, adminMuted };
  const next: MemberDoc = { ...member, stream, version: member.version + 1 };
  await tx.collection(Collections.members).doc(memberId).update({
    data: { stream: { muted, selfMuted, adminMuted }, version: next.version },
  });
  return next;
}

/** mute: the owner mutes (or unmutes) a member; the member cannot lift it with setMuted. */
export const mute: Handler<'mute'> = async (request, { caller, deps }) => {
  const member = await runAsOwner(deps, caller, request, async (tx, owner) => {
    const target = await readTarget(tx, owner.session.roomKey, request.targetUserId);
    return applyMute(tx, target.memberId, target.member, { adminMuted: request.muted });
  });
  return { member: toPublicMember(member) };
};

/** setMuted: the caller's own mute; `stream.muted` stays true while the owner's mute holds. */
export const setMuted: Handler<'setMuted'> = async (request, { caller, deps }) => {
  const member = await runAsMember(deps, caller, request, (tx, { session, member: current }) =>
    applyMute(tx, session.memberId, current, { selfMuted: request.muted }),
  );
  return { member: toPublicMember(member) };
};

/**
 * muteAll (owner only: NOT_OWNER otherwise): sets or lifts the room-wide mute on the room document,
 * which every member watches, so no signal is needed. Unchanged → no write. Lifting it stores
 * `allMuted: false` rather than removing the field, as lowerHand stores `handRaised: false`: false is
 * a valid value of the field (unlike a removed cap), so a plain update keeps the reply honest.
 */
export const muteAll: Handler<'muteAll'> = async (request, { caller, deps }) => {
  const room = await runAsOwner(deps, caller, request, async (tx, { room }, now): Promise<RoomDoc> => {
    if ((room.allMuted === true) === request.muted) return room;
    const next: RoomDoc = { ...room, allMuted: request.muted, version: room.version + 1, updatedAt: now };
    await tx.collection(Collections.rooms).doc(room.roomKey).update({
      data: { allMuted: next.allMuted, version: next.version, updatedAt: now },
    });
    return next;
  });
  return { room: toRoomSummary(room) };
};
