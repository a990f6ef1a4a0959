/**
 * Stream names for the media server. Deterministic (a member always pushes to the same stream, so a
 * rejoin or a second publish needs no lookup) and safe in every provider's URL: [A-Za-z0-9_-] only.
 */
import { createHash } from 'crypto';
import { memberIdOf, roomKeyOf } from '../../../shared';

/** Characters of each readable part kept (room and user), so names stay short. */
const PART_MAX = 24;
/** Hex digits of the hash: 48 bits keep distinct members apart once the readable parts are mangled. */
const HASH_HEX = 12;

function readable(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, PART_MAX);
}

/**
 * The stream id of a member: `<room>_<user>_<hash>`, where room and user are the (sanitised, cut)
 * userRoomId and userId for humans reading server logs, and hash is a SHA-256 prefix of the member
 * id (`appId:userRoomId:userId`), which is what makes ids of different members differ.
 */
export function streamIdOf(appId: string, userRoomId: string, userId: string): string {
  const memberId = memberIdOf(roomKeyOf(appId, userRoomId), userId);
  const hash = createHash('sha256').update(memberId, 'utf8').digest('hex').slice(0, HASH_HEX);
  return `${readable(userRoomId)}_${readable(userId)}_${hash}`;
}
