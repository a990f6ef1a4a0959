/**
 * transferOwnership: the owner hands the room to another member (a teacher to a colleague, a host
 * leaving early). Only the room document changes: every member watches it, so the SDK reports the
 * new owner (`ownerChanged`) without a signal of its own.
 */
import { Collections } from '../../../../shared';
import { readTarget, runAsOwner } from '../owner';
import { toRoomSummary } from '../records';
import type { RoomDoc } from '../records';
import type { Handler } from './types';

/**
 * transferOwnership (owner only: NOT_OWNER otherwise): the target must be a member of the room
 * (TARGET_NOT_IN_ROOM). Naming yourself succeeds and writes nothing.
 */
export const transferOwnership: Handler<'transferOwnership'> = async (request, { caller, deps }) => {
  const room = await runAsOwner(deps, caller, request, async (tx, { room }, now): Promise<RoomDoc> => {
    if (request.targetUserId === room.ownerUserId) return room;
    await readTarget(tx, room.roomKey, request.targetUserId);
    const next = { ...room, ownerUserId: request.targetUserId, version: room.version + 1, updatedAt: now };
    await tx.collection(Collections.rooms).doc(room.roomKey).update({
      data: { ownerUserId: next.ownerUserId, version: next.version, updatedAt: now },
    });
    return next;
  });
  return { room: toRoomSummary(room) };
};
