/**
 * Roster changes that must keep the room's counts exact. Each runs inside the caller's transaction
 * and writes the room's new counts as absolute values computed from what the transaction read, so
 * member documents and counts always change together.
 */
import { Collections, Role } from '../../../shared';
import type { DbTransaction } from './ports';
import { memberDocSchema, readDoc, roomDocSchema } from './records';
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

/** Writes a room's new counts, bumping its version. */
export async function writeCounts(tx: DbTransaction, room: RoomDoc, counts: Counts, now: number): Promise<void> {
  await tx.collection(Collections.rooms).doc(room.roomKey).update({
    data: { ...counts, version: room.version + 1, updatedAt: now },
  });
}

/**
 * Removes a member and its presence and takes it off the counts. Returns the removed member, or
 * null when there was no member document (the presence, if any, is removed all the same).
 */
export async function removeMember(
  tx: DbTransaction,
  roomKey: string,
  memberId: string,
  now: number,
): Promise<MemberDoc | null> {
  const member = await readDoc(tx, Collections.members, memberId, memberDocSchema);
  const room = await readDoc(tx, Collections.rooms, roomKey, roomDocSchema);
  await tx.collection(Collections.presence).doc(memberId).remove();
  if (!member) return null;
  await tx.collection(Collections.members).doc(memberId).remove();
  if (room) await writeCounts(tx, room, addToCounts(room, member.role, -1), now);
  return member;
}
