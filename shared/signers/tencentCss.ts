/**
 * Tencent Cloud CSS (云直播) hotlink protection (防盗链), as its docs describe it
 * (intl.cloud.tencent.com/document/product/267/31560): `txTime` = expiry in unix seconds as hex,
 * `txSecret` = MD5(KEY + StreamName + txTime), appended as `txSecret=…&txTime=…`. The signature
 * covers the stream name only, so push, RTMP, FLV and HLS URLs carry the same query.
 */
import { constantTimeEqual } from '../constantTime';
import { md5Hex, requireVerifyKey, wholeSeconds, type SignInput } from './input';

/** `txTime` for an expiry: upper-case hex, as Tencent's examples print it (5C271099). */
export function tencentTxTime(expireAt: number): string {
  return expireAt.toString(16).toUpperCase();
}

/** The `txSecret=…&txTime=…` query for a stream (input already validated). */
export function tencentAuthQuery(input: SignInput): string {
  const txTime = tencentTxTime(input.expireAt);
  return `txSecret=${md5Hex(input.key + input.stream + txTime)}&txTime=${txTime}`;
}

const STREAM = /^[A-Za-z0-9_-]+$/;
const TX_TIME = /^[0-9A-Fa-f]{1,8}$/;
const TX_SECRET = /^[0-9A-Fa-f]{32}$/;

/**
 * True when `txSecret` and `txTime` (as received) authorise `stream` at `nowSeconds`: txTime is
 * hashed exactly as sent, the hex digest is compared case-insensitively and in constant time, and the
 * URL has expired once txTime is before now. Throws CONFIG_ERROR on an empty key.
 */
export function verifyTencentTxSecret(
  stream: string,
  txSecret: string,
  txTime: string,
  key: string,
  nowSeconds: number,
): boolean {
  requireVerifyKey(key);
  const now = wholeSeconds(nowSeconds);
  if (typeof stream !== 'string' || typeof txSecret !== 'string' || typeof txTime !== 'string') return false;
  if (!STREAM.test(stream) || !TX_TIME.test(txTime) || !TX_SECRET.test(txSecret)) return false;
  if (parseInt(txTime, 16) < now) return false;
  return constantTimeEqual(md5Hex(key + stream + txTime), txSecret.toLowerCase());
}
