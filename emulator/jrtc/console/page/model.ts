/**
 * The console's view of the public collections: room and member documents as the watch delivers
 * them, typed with the protocol's own types (shared/common.ts) and checked field by field, so a
 * malformed document is skipped rather than rendered half-broken. (The protocol's zod schemas
 * would check the same, but zod would more than double the page's script.)
 */
import type { Member, RoomSummary } from '../../../../shared/common';
import type { WatchedDoc } from './liveQuery';
import { isNumber, isString } from './callList';

/** A room as the console lists it. */
export type ConsoleRoom = RoomSummary & { updatedAt: number };

/** A member as the console's roster shows it. */
export type ConsoleMember = Member & { roomKey: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalBoolean = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

function toRoom(d: WatchedDoc): ConsoleRoom | null {
  const { roomKey, appId, userRoomId, ownerUserId, stagePolicy, broadcasterCount, audienceCount, version, updatedAt } = d;
  if (!isString(roomKey) || !isString(appId) || !isString(userRoomId) || !isString(ownerUserId)) return null;
  if (stagePolicy !== 'open' && stagePolicy !== 'invite') return null;
  if (!isNumber(broadcasterCount) || !isNumber(audienceCount) || !isNumber(version) || !isNumber(updatedAt)) return null;
  const room: ConsoleRoom = { roomKey, appId, userRoomId, ownerUserId, stagePolicy, broadcasterCount, audienceCount, version, updatedAt };
  // The stage cap is optional (absent: no cap).
  if (isNumber(d.maxAnchors)) room.maxAnchors = d.maxAnchors;
  return room;
}

function toMember(d: WatchedDoc): ConsoleMember | null {
  const { roomKey, userId, nickName, peerId, role, stream, joinedAt, version } = d;
  if (!isString(roomKey) || !isString(userId) || !isString(nickName) || !isString(peerId)) return null;
  if ((role !== 1 && role !== 2) || !isNumber(joinedAt) || !isNumber(version) || !isObject(stream)) return null;
  const { streamId, publishing, muted } = stream;
  if (!isString(streamId) || typeof publishing !== 'boolean' || typeof muted !== 'boolean') return null;
  return {
    roomKey,
    userId,
    nickName,
    peerId,
    role,
    joinedAt,
    version,
    stream: { streamId, publishing, muted, selfMuted: optionalBoolean(stream.selfMuted), adminMuted: optionalBoolean(stream.adminMuted) },
    handRaised: optionalBoolean(d.handRaised),
    invited: optionalBoolean(d.invited),
  };
}

/** The well-formed rooms of `docs`, most recently active first. */
export function toRooms(docs: readonly WatchedDoc[]): ConsoleRoom[] {
  const rooms = docs.map(toRoom).filter((r): r is ConsoleRoom => r !== null);
  return rooms.sort((a, b) => b.updatedAt - a.updatedAt || a.roomKey.localeCompare(b.roomKey));
}

/** The well-formed members of `docs` in room `roomKey`, in the order they joined. */
export function toMembers(docs: readonly WatchedDoc[], roomKey: string): ConsoleMember[] {
  const members = docs.map(toMember).filter((m): m is ConsoleMember => m !== null && m.roomKey === roomKey);
  return members.sort((a, b) => a.joinedAt - b.joinedAt || a.userId.localeCompare(b.userId));
}

/** True while `m` is an anchor with a live stream (what the play button needs). */
export function isPublishing(m: ConsoleMember): boolean {
  return m.role === 1 && m.stream.publishing;
}
