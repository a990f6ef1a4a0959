/**
 * mute (owner) and setMuted (self). The member document's `stream.muted` is what every client
 * follows (listeners show it, the member's SDK mutes its pusher); it is true while either cause
 * holds, and each action changes only its own cause (shared/common.ts streamSchema says why).
 * Publishing is unaffected: a muted anchor keeps its stream.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import type { Stream } from '../../../../shared';
import { readTarget, runAsOwner } from '../owner';
import type { DbTransaction } from '../ports';
import { memberDocSchema, readDoc, toPublicMember } from '../records';
import type { MemberDoc } from '../records';
import { authenticate } from '../session';
import { trySweepRoom } from '../sweep';
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
  const now = deps.clock.now();
  const { member, roomKey } = await deps.db.runTransaction(async (tx) => {
    const session = await authenticate(tx, caller, request, now);
    const current = await readDoc(tx, Collections.members, session.memberId, memberDocSchema);
    if (!current) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
    return { member: await applyMute(tx, session.memberId, current, { selfMuted: request.muted }), roomKey: session.roomKey };
  });
  await trySweepRoom(deps, roomKey);
  return { member: toPublicMember(member) };
};
