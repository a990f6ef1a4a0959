/**
 * The token checks joinRoom and renewToken share: signature, owner proof and expiry (no database),
 * then the nonce's entry on the user record the action's transaction read (revoked by a kick, or
 * already used by another caller), and finally the entry that consumes the nonce.
 */
import { ErrorCode, ProtocolError } from '../../../shared';
import { verifyOwnerProof } from '../../../shared/ownerProof';
import { verifyToken } from '../../../shared/token';
import { appKeyOf } from '../../../shared/functionConfig';
import { nodeTokenCodec } from './nodeTokenCodec';
import type { JrtcConfig } from '../../../shared/functionConfig';
import { nonceIdOf } from './records';
import type { NonceEntry, UserDoc } from './records';
import { nonceEntryOf } from './userRecord';

/** The JRTC token and the parameters it signs (`roomId` is the userRoomId). */
export interface TokenFields {
  appId: string;
  userRoomId: string;
  userId: string;
  token: string;
  nonce: string;
  timestamp: number;
  /** joinRoom's owner proof, when the deployer's server made one (shared/ownerProof.ts). */
  ownerProof?: string;
}

/** Who presents a token, for its nonce entry (the user is the record's: a token signs its userId). */
export interface TokenHolder {
  openid: string;
  roomKey: string;
}

/** A token's nonce entry as read inside the transaction. */
export interface NonceCheck {
  nonceId: string;
  /**
   * The record when the nonce was used before, or issued with an owner grant (by or for this same
   * holder: anyone else failed the check).
   */
  existing: NonceEntry | null;
  /**
   * This join makes the holder the owner: the token carries an owner grant not used yet (issueToken
   * with `owner: true`), or a verified owner proof came with the token's first join.
   */
  ownerGrant: boolean;
}

/**
 * Fails with APP_UNKNOWN / CONFIG_ERROR (appId), TOKEN_INVALID (signature, or an owner proof that is
 * present and does not verify) or TOKEN_EXPIRED (timestamp before `now`). Needs no database, so it
 * runs before any transaction. The proof costs one HMAC, and only when it is present.
 */
export function verifyTokenFields(config: JrtcConfig, fields: TokenFields, now: number): void {
  const appKey = appKeyOf(config, fields.appId);
  const params = {
    appId: fields.appId,
    appKey,
    roomId: fields.userRoomId,
    userId: fields.userId,
    timestamp: fields.timestamp,
    nonce: fields.nonce,
  };
  if (!verifyToken(params, fields.token, nodeTokenCodec)) throw new ProtocolError(ErrorCode.TOKEN_INVALID, 'the token does not verify');
  if (fields.ownerProof !== undefined && !verifyOwnerProof(params, fields.ownerProof, nodeTokenCodec)) {
    throw new ProtocolError(ErrorCode.TOKEN_INVALID, 'the owner proof does not verify');
  }
  if (fields.timestamp < now) throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the token has expired');
}

/**
 * Checks the token's nonce against the user record `user` (read in the action's transaction):
 * TOKEN_REVOKED when a kick revoked it, TOKEN_REPLAYED when another caller (or the same caller for
 * another room) used it. The same holder may present its token again while it lives (a reconnect).
 * The token signs its userId, so a use for another user is another token: only this user's record
 * can hold this token's nonce.
 *
 * `proven` says a verified owner proof came with the token. It counts only while the nonce has no
 * entry, i.e. on the token's first join: the SDK's rejoins present the same token and proof, and
 * must not take the room back after a transferOwnership (the same reason spentNonce spends an
 * issued grant).
 */
export function checkNonce(user: UserDoc | null, appId: string, nonce: string, holder: TokenHolder, proven = false): NonceCheck {
  const nonceId = nonceIdOf(appId, nonce);
  const existing = nonceEntryOf(user, nonceId);
  if (existing?.revoked) throw new ProtocolError(ErrorCode.TOKEN_REVOKED, 'this token was revoked');
  if (existing && (existing.openid !== holder.openid || existing.roomKey !== holder.roomKey)) {
    throw new ProtocolError(ErrorCode.TOKEN_REPLAYED, 'this token was already used by another caller');
  }
  return { nonceId, existing, ownerGrant: existing ? existing.owner === true : proven };
}

/**
 * The nonce entry once the token is used: recorded until the token expires (a repeat presentation
 * keeps the entry as it is). An owner grant that made this use the owner is spent (`owner: false`),
 * whether it was issued (issueToken) or came as an owner proof on the first join: one marker, which
 * keeps a reconnect with the same token from taking the room back after a transferOwnership.
 */
export function spentNonce(check: NonceCheck, holder: TokenHolder, expiresAt: number): NonceEntry {
  if (check.existing) return check.ownerGrant ? { ...check.existing, owner: false } : check.existing;
  const entry: NonceEntry = { id: check.nonceId, openid: holder.openid, roomKey: holder.roomKey, expiresAt };
  if (check.ownerGrant) entry.owner = false;
  return entry;
}
