/**
 * Roster changes that must keep the room's counts exact. Each runs inside the caller's transaction,
 * so member documents and counts always change together: role changes write absolute counts computed
 * from the room the transaction read, a removal decrements them in place (removeMember).
 */
import { Collections, ErrorCode, ProtocolError, Role } from '../../../shared';
import type { DbCommand, DbTransaction } from './ports';
import { memberDocSchema, readDoc } from './records';
import type { MemberDoc, RoomDoc } from './records';

/** Anchors and audience of a room. */
export interface Counts {
  broadcasterCount: number;
  audienceCount: number;
}

/** `counts` with `delta` members of `role` added (never below zero). */
export function addToCounts(counts: Counts, role: number, delta: number): Counts {
  return role === Role.ANCHOR
    ? { broadcasterCount: Math.max(0, counts.broadcasterCount + delta), audienceCount: counts.audienceCount }
    : { broadcasterCount: counts.broadcasterCount, audienceCount: Math.max(0, counts.audienceCount + delta) };
}

/**
 * Fails with STAGE_FULL when the room's stage is at its cap (maxAnchors) and `userId`, who is not
 * the owner, would become one more anchor. Callers ask only for a member who is not an anchor yet (a
 * rejoin that keeps its seat is no new anchor) and before any write, so a refusal changes nothing.
 * The owner is exempt: a teacher must always be able to take the stage, even one over the cap. The
 * counts are on the room document the caller read already, so the check costs no read.
 */
export function checkStageSeat(room: RoomDoc, ownerUserId: string, userId: string): void {
  const cap = room.maxAnchors;
  if (cap === undefined || userId === ownerUserId || room.broadcasterCount < cap) return;
  throw new ProtocolError(ErrorCode.STAGE_FULL, `the stage is full: ${cap} anchors at most`, { maxAnchors: cap });
}

/** Writes a room's new counts, bumping its version. */
export async function writeCounts(tx: DbTransaction, room: RoomDoc, counts: Counts, now: number): Promise<void> {
  await tx.collection(Collections.rooms).doc(room.roomKey).update({
    data: { ...counts, version: room.version + 1, updatedAt: now },
  });
}

/**
 * Removes a member and its presence and takes it off the counts. Returns the removed member, or
 * null when there was no member document (the presence, if any, is removed all the same).
 *
 * The counts are decremented in place (`command.inc`) rather than read and rewritten: the room
 * document is not read, one database round trip less for every leave, kick and swept ghost, and the
 * transaction still conflicts with any other that writes the room, so counts stay exact. A caller
 * that has read the member already (kick) passes it as `known` and saves that read too.
 */
export async function removeMember(
  tx: DbTransaction,
  command: DbCommand,
  roomKey: string,
  memberId: string,
  now: number,
  known?: MemberDoc,
): Promise<MemberDoc | null> {
  const member = known ?? (await readDoc(tx, Collections.members, memberId, memberDocSchema));
  await tx.collection(Collections.presence).doc(memberId).remove();
  if (!member) return null;
  await tx.collection(Collections.members).doc(memberId).remove();
  const field = member.role === Role.ANCHOR ? 'broadcasterCount' : 'audienceCount';
  // Rooms are never deleted, so a member's room exists; updating a missing one would touch nothing.
  await tx.collection(Collections.rooms).doc(roomKey).update({
    data: { [field]: command.inc(-1), version: command.inc(1), updatedAt: now },
  });
  return member;
}
