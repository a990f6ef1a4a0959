/**
 * node-media-server URL signing, as NMS 4.x checks it (src/server/broadcast_server.js `verifyAuth`,
 * illuspas/Node-Media-Server): query `sign=<exp>-<md5hash>`, md5hash = md5("<streamPath>-<exp>-<secret>"),
 * where streamPath is "/app/stream" for RTMP and also for HTTP-FLV (flv_session.js drops the extension),
 * and the sign is refused once `exp < now`. We sign HLS the same way: NMS 4 has no HLS of its own, and a
 * server fronting it sees the same "/app/stream".
 */
import { constantTimeEqual } from '../constantTime';
import { md5Hex, requireVerifyKey, wholeSeconds, type SignInput } from './input';

/** The `sign=…` query for a stream (input already validated). */
export function nmsAuthQuery(input: SignInput): string {
  const path = `/${input.app}/${input.stream}`;
  return `sign=${input.expireAt}-${md5Hex(`${path}-${input.expireAt}-${input.key}`)}`;
}

const STREAM_PATH = /^\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;
const SIGN = /^(\d{1,15})-([0-9a-f]{32})$/;

/**
 * True when `sign` (the `sign` query value) authorises `path` ("/app/stream") at `nowSeconds`.
 * Follows NMS 4's verifyAuth — exactly two '-'-separated parts, the expiry re-printed as a number
 * inside the hashed string, expired only when `exp < now` — but compares in constant time and throws
 * CONFIG_ERROR on an empty key where NMS would silently let everyone in.
 */
export function verifyNmsSign(path: string, sign: string, key: string, nowSeconds: number): boolean {
  requireVerifyKey(key);
  const now = wholeSeconds(nowSeconds);
  if (typeof path !== 'string' || typeof sign !== 'string' || !STREAM_PATH.test(path)) return false;
  const match = SIGN.exec(sign);
  if (!match) return false;
  const exp = Number(match[1]);
  if (exp < now) return false;
  return constantTimeEqual(md5Hex(`${path}-${exp}-${key}`), match[2]);
}
