/**
 * TRTC's signatures (issue 25: the `room://` backend): UserSig v2, which lets a userId use the
 * app's TRTC at all, and PrivateMapKey, which binds it to one room and a set of privileges (an
 * audience member cannot send). As Tencent's tls-sig-api-v2 libraries compute them
 * (github.com/tencentyun/tls-sig-api-v2-node, TLSSigAPIv2.js):
 *   content = "TLS.identifier:<userId>\nTLS.sdkappid:<appid>\nTLS.time:<now>\nTLS.expire:<ttl>\n"
 *             [+ "TLS.userbuf:<base64 userbuf>\n"]
 *   TLS.sig = base64(HMAC-SHA256(secretKey, content))
 *   sig     = base64(zlib(JSON of {TLS.ver "2.0", identifier, sdkappid, time, expire, [userbuf], sig}))
 *             with + → *, / → -, = → _
 * The libraries' zlib builds and levels differ (Go's signs at level 0), so the same fields do not
 * give the same string everywhere: Tencent inflates and checks the fields. Server side only (Node's
 * crypto and zlib).
 */
import { createHash, createHmac } from 'crypto';
import { deflateSync, inflateSync } from 'zlib';
import { constantTimeEqual } from '../constantTime';

/** PrivateMapKey's privilege bits (tls-sig-api-v2: 权限位). */
export const TrtcPrivilege = {
  CREATE_ROOM: 1,
  ENTER_ROOM: 2,
  SEND_AUDIO: 4,
  RECEIVE_AUDIO: 8,
  SEND_VIDEO: 16,
  RECEIVE_VIDEO: 32,
  SEND_SUB_VIDEO: 64,
  RECEIVE_SUB_VIDEO: 128,
} as const;

/** Everything an anchor may do in its room. */
export const ANCHOR_PRIVILEGES = 255;
/** An audience member enters and receives, and sends nothing. */
export const AUDIENCE_PRIVILEGES =
  TrtcPrivilege.ENTER_ROOM | TrtcPrivilege.RECEIVE_AUDIO | TrtcPrivilege.RECEIVE_VIDEO | TrtcPrivilege.RECEIVE_SUB_VIDEO;

/** Who signs, for whom, and when. */
export interface TrtcSigInput {
  sdkAppId: number;
  secretKey: string;
  userId: string;
  /** Unix seconds of signing. */
  now: number;
  /** Lifetime in seconds. */
  expireSeconds: number;
  /** zlib level (default: zlib's own, as the Node library); 0 is Go's. */
  level?: number;
}

/** A PrivateMapKey's room and privileges. */
export interface PrivateMapInput extends TrtcSigInput {
  /** A numeric room (`roomid`), or a string room (`strroomid`). */
  room: { roomId: number } | { strRoomId: string };
  privileges: number;
}

const escape = (b64: string): string => b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
const unescape = (s: string): string => s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');

/** TLS.sig: the HMAC over the fields (and userbuf), base64. */
export function tlsSigHmac(i: TrtcSigInput, base64UserBuf?: string): string {
  let content = `TLS.identifier:${i.userId}\nTLS.sdkappid:${i.sdkAppId}\nTLS.time:${i.now}\nTLS.expire:${i.expireSeconds}\n`;
  if (base64UserBuf !== undefined) content += `TLS.userbuf:${base64UserBuf}\n`;
  return createHmac('sha256', i.secretKey).update(content, 'utf8').digest('base64');
}

function sign(i: TrtcSigInput, userBuf?: Buffer): string {
  const doc: Record<string, string | number> = {
    'TLS.ver': '2.0',
    'TLS.identifier': i.userId,
    'TLS.sdkappid': i.sdkAppId,
    'TLS.time': i.now,
    'TLS.expire': i.expireSeconds,
  };
  const b64 = userBuf?.toString('base64');
  if (b64 !== undefined) doc['TLS.userbuf'] = b64;
  doc['TLS.sig'] = tlsSigHmac(i, b64);
  const options = i.level === undefined ? {} : { level: i.level };
  return escape(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8'), options).toString('base64'));
}

/** A UserSig v2 for `userId`. */
export function genUserSig(i: TrtcSigInput): string {
  return sign(i);
}

/**
 * The userbuf of a PrivateMapKey: version (0, or 1 with a string room), the userId's length and
 * bytes, sdkappid, numeric room (0 with a string room), expiry (now + ttl), privileges, account
 * type 0, then the string room's length and bytes; numbers big-endian.
 */
export function privateMapUserBuf(i: PrivateMapInput): Buffer {
  const account = Buffer.from(i.userId, 'utf8');
  const str = 'strRoomId' in i.room ? Buffer.from(i.room.strRoomId, 'utf8') : null;
  const buf = Buffer.alloc(1 + 2 + account.length + 20 + (str ? 2 + str.length : 0));
  let o = buf.writeUInt8(str ? 1 : 0, 0);
  o = buf.writeUInt16BE(account.length, o);
  o += account.copy(buf, o);
  o = buf.writeUInt32BE(i.sdkAppId, o);
  o = buf.writeUInt32BE('roomId' in i.room ? i.room.roomId : 0, o);
  o = buf.writeUInt32BE(i.now + i.expireSeconds, o);
  o = buf.writeUInt32BE(i.privileges, o);
  o = buf.writeUInt32BE(0, o);
  if (str) {
    o = buf.writeUInt16BE(str.length, o);
    str.copy(buf, o);
  }
  return buf;
}

/** A PrivateMapKey: the userId may enter this room with these privileges until now + ttl. */
export function genPrivateMapKey(i: PrivateMapInput): string {
  return sign(i, privateMapUserBuf(i));
}

/** What a valid signature says. */
export interface VerifiedSig {
  userId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The PrivateMapKey's room and privileges, when it is one. */
  map?: { roomId: number; strRoomId?: string; privileges: number; expiresAt: number };
}

/**
 * Checks a UserSig or PrivateMapKey the way TRTC does: inflate, the app, the HMAC under the
 * secret key, the expiry at `now` (unix seconds). Returns null when any check fails.
 */
export function verifyTrtcSig(sig: string, key: { sdkAppId: number; secretKey: string }, now: number): VerifiedSig | null {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(inflateSync(Buffer.from(unescape(sig), 'base64')).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const [userId, appId, time, expire, hmac] = ['TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig'].map((k) => doc[k]);
  const userBuf = doc['TLS.userbuf'];
  if (typeof userId !== 'string' || appId !== key.sdkAppId || typeof time !== 'number' || typeof expire !== 'number' || typeof hmac !== 'string') return null;
  if (userBuf !== undefined && typeof userBuf !== 'string') return null;
  const expected = tlsSigHmac({ sdkAppId: key.sdkAppId, secretKey: key.secretKey, userId, now: time, expireSeconds: expire }, userBuf);
  if (!constantTimeEqual(expected, hmac) || time + expire < now) return null;
  const verified: VerifiedSig = { userId, expiresAt: time + expire };
  if (typeof userBuf === 'string') {
    const map = readUserBuf(Buffer.from(userBuf, 'base64'));
    if (!map || map.expiresAt < now) return null;
    verified.map = map;
  }
  return verified;
}

/** A PrivateMapKey's userbuf, read back (null when malformed). */
function readUserBuf(b: Buffer): VerifiedSig['map'] | null {
  try {
    const version = b.readUInt8(0);
    const accountLength = b.readUInt16BE(1);
    let o = 3 + accountLength + 4;
    const roomId = b.readUInt32BE(o);
    const expiresAt = b.readUInt32BE(o + 4);
    const privileges = b.readUInt32BE(o + 8);
    o += 16;
    if (version === 0) return { roomId, privileges, expiresAt };
    const strLength = b.readUInt16BE(o);
    return { roomId, strRoomId: b.subarray(o + 2, o + 2 + strLength).toString('utf8'), privileges, expiresAt };
  } catch {
    return null;
  }
}


const digest = (s: string, length: number): string => createHash('sha256').update(s, 'utf8').digest('base64url').slice(0, length);

/**
 * TRTC's name for a room: the roomKey when it fits TRTC's strRoomId (at most 64 bytes; letters,
 * digits and a few symbols, ':' among them), else a stable digest of it.
 */
export function trtcRoomOf(roomKey: string): string {
  return /^[A-Za-z0-9_.@:-]{1,64}$/.test(roomKey) ? roomKey : `j-${digest(roomKey, 40)}`;
}

/** TRTC's name for a user: the userId when it fits TRTC's (at most 32 letters, digits, '_' and '-'), else a stable digest. */
export function trtcUserOf(userId: string): string {
  return /^[A-Za-z0-9_-]{1,32}$/.test(userId) ? userId : `u-${digest(userId, 30)}`;
}
