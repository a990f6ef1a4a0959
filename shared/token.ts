/**
 * The JRTC room token, byte-compatible with JD Cloud JRTC.
 *
 * Algorithm, as JD Cloud documents it ("用户Token生成", https://docs.jdcloud.com/cn/real-time-communication/sdk/generate-user-token):
 *   1. json   = JSON of {appId, appKey, roomId, timestamp, userId}, keys in ascending order
 *               (their Java sample fills a TreeMap and serialises it with fastjson);
 *   2. bytes  = HmacSHA256(key = nonce as UTF-8, message = json as UTF-8);
 *   3. origin = Base64(bytes)      — the raw 32 digest bytes, not a hex string: their Node sample
 *               is `crypto.createHmac("sha256", nonce).update(jsonStr).digest('base64')`;
 *   4. token  = Base64(origin) with '+' → '*', '/' → '-', '=' → '_'.
 * Their worked example (appId 192bc340…, roomId "60", nonce "AK-2b9be4…", timestamp 4762379647000)
 * yields `N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_`; token.test.ts checks it.
 *
 * The nonce is the HMAC key and travels in the clear, so the only secret is the appKey inside the
 * signed message: an empty appKey would make every token forgeable, and is refused.
 *
 * crypto-js only (per-algorithm imports keep the SDK bundle small): this file runs in a mini program
 * as well as in Node.
 */
import HmacSHA256 from 'crypto-js/hmac-sha256';
import Base64 from 'crypto-js/enc-base64';
import Hex from 'crypto-js/enc-hex';
import Utf8 from 'crypto-js/enc-utf8';
import CryptoJS from 'crypto-js/core';
import { ErrorCode, ProtocolError } from './errors';
import { constantTimeEqual } from './constantTime';

/** Everything a JRTC token is computed from. */
export interface TokenParams {
  /** The JRTC application id. */
  appId: string;
  /** The application's secret key (server side only, never shipped to a client). */
  appKey: string;
  /** The room id as the user knows it (JRTC `roomId`, our `userRoomId`). */
  roomId: string;
  /** The user's id. */
  userId: string;
  /** Expiry, in milliseconds since the epoch (JRTC uses 13-digit ms timestamps). */
  timestamp: number;
  /** A random string; the HMAC key. JRTC suggests `AK-` + 32 hex digits. */
  nonce: string;
}

/**
 * The two primitives the token is made of. crypto-js provides them everywhere (mini programs
 * included); a Node server may pass its native crypto instead (same bytes, a fraction of the cost).
 */
export interface TokenCodec {
  /** HMAC-SHA256 of `message` keyed with `key` (both as UTF-8), as standard Base64 with padding. */
  hmacSha256Base64(key: string, message: string): string;
  /** Standard Base64 (with padding) of `text` as UTF-8. */
  base64OfUtf8(text: string): string;
}

/** The crypto-js codec, the default. */
export const cryptoJsCodec: TokenCodec = {
  hmacSha256Base64: (key, message) => Base64.stringify(HmacSHA256(Utf8.parse(message), Utf8.parse(key))),
  base64OfUtf8: (text) => Base64.stringify(Utf8.parse(text)),
};

/** The nonce prefix JD Cloud recommends, marking tokens signed with an application key. */
const NONCE_PREFIX = 'AK-';
/** Default nonce entropy: 16 bytes = 128 bits, printed as 32 hex digits like JRTC's example. */
const NONCE_DEFAULT_BYTES = 16;
/** Bounds that keep a nonce meaningful and within the protocol's 64-character nonce limit. */
const NONCE_MIN_BYTES = 8;
const NONCE_MAX_BYTES = 30;

function badParam(field: keyof TokenParams, problem: string): ProtocolError {
  return new ProtocolError(ErrorCode.BAD_REQUEST, `token parameter ${field} ${problem}`, { field });
}

/**
 * Fails with ProtocolError BAD_REQUEST, naming the field, unless every parameter is present and well
 * formed (non-empty strings, a non-negative integer timestamp). The owner proof checks the same.
 */
export function checkTokenParams(p: TokenParams): void {
  if (p === null || typeof p !== 'object') throw new ProtocolError(ErrorCode.BAD_REQUEST, 'token parameters missing');
  for (const field of ['appId', 'appKey', 'roomId', 'userId', 'nonce'] as const) {
    const value: unknown = p[field];
    if (typeof value !== 'string') throw badParam(field, 'must be a string');
    if (value.length === 0) throw badParam(field, 'must not be empty');
  }
  if (typeof p.timestamp !== 'number' || !Number.isSafeInteger(p.timestamp) || p.timestamp < 0) {
    throw badParam('timestamp', 'must be a non-negative integer (expiry in ms since the epoch)');
  }
}

/**
 * The canonical JSON the token signs: `{"appId":…,"appKey":…,"roomId":…,"timestamp":…,"userId":…}`,
 * keys in ascending order, timestamp as a number. Throws ProtocolError BAD_REQUEST on bad params.
 */
export function tokenPayload(p: TokenParams): string {
  checkTokenParams(p);
  // Written out in sorted order on purpose: JSON.stringify keeps insertion order for string keys.
  return JSON.stringify({
    appId: p.appId,
    appKey: p.appKey,
    roomId: p.roomId,
    timestamp: p.timestamp,
    userId: p.userId,
  });
}

/**
 * Computes the JRTC token for these parameters (see the file comment for the algorithm).
 * Throws ProtocolError BAD_REQUEST, naming the field, when a parameter is missing or malformed.
 */
export function computeToken(p: TokenParams, codec: TokenCodec = cryptoJsCodec): string {
  return jrtcEncode(codec.hmacSha256Base64(p.nonce, tokenPayload(p)), codec);
}

/**
 * JRTC's outer encoding (steps 3-4 of the file comment): Base64 of the standard Base64 `origin`, then
 * `+` → `*`, `/` → `-`, `=` → `_`. The owner proof is encoded the same way.
 */
export function jrtcEncode(origin: string, codec: TokenCodec): string {
  return codec.base64OfUtf8(origin).replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

/**
 * True when `token` is the token for `p`. The comparison takes the same time however many characters
 * match; any length mismatch or malformed parameter is simply false. Expiry and nonce replay are the
 * caller's checks (they need a clock and storage). Throws ProtocolError CONFIG_ERROR when the appKey
 * is empty, since "verifying" against an empty secret would accept forgeries.
 */
export function verifyToken(p: TokenParams, token: string, codec: TokenCodec = cryptoJsCodec): boolean {
  return verifySignature(computeToken, p, token, codec);
}

/**
 * What verifyToken and verifyOwnerProof share: `compute(p)` compared in constant time with `value`;
 * false for a non-string value or malformed parameters; CONFIG_ERROR for an empty appKey.
 */
export function verifySignature(
  compute: (p: TokenParams, codec: TokenCodec) => string,
  p: TokenParams,
  value: string,
  codec: TokenCodec,
): boolean {
  if (p !== null && typeof p === 'object' && (typeof p.appKey !== 'string' || p.appKey.length === 0)) {
    throw new ProtocolError(ErrorCode.CONFIG_ERROR, 'appKey is empty: refusing to verify against it');
  }
  if (typeof value !== 'string') return false;
  let expected: string;
  try {
    expected = compute(p, codec);
  } catch (err) {
    if (err instanceof ProtocolError && err.code === ErrorCode.BAD_REQUEST) return false;
    throw err;
  }
  return constantTimeEqual(expected, value);
}

/**
 * A fresh nonce in JRTC's recommended shape: `AK-` followed by `bytes` random bytes as lower-case hex
 * (URL-safe, default 16 bytes → 35 characters). Randomness comes from crypto-js `WordArray.random`,
 * which uses the platform's secure generator and throws where there is none rather than fall back to
 * Math.random — mint nonces on the server (issueToken, the CLI), not in a mini program.
 */
export function generateNonce(bytes: number = NONCE_DEFAULT_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < NONCE_MIN_BYTES || bytes > NONCE_MAX_BYTES) {
    throw new ProtocolError(
      ErrorCode.BAD_REQUEST,
      `nonce size must be an integer from ${NONCE_MIN_BYTES} to ${NONCE_MAX_BYTES} bytes`,
      { field: 'bytes' },
    );
  }
  return NONCE_PREFIX + Hex.stringify(CryptoJS.lib.WordArray.random(bytes));
}
