/**
 * The token checks joinRoom and renewToken share: signature, owner proof and expiry (no database),
 * then the nonce record inside the action's transaction (revoked by a kick, or already used by
 * another caller), and finally consuming the nonce.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../shared';
import { verifyOwnerProof } from '../../../shared/ownerProof';
import { verifyToken } from '../../../shared/token';
import { appKeyOf } from './config';
import { nodeTokenCodec } from './nodeTokenCodec';
import type { JrtcConfig } from './config';
import type { DbTransaction } from './ports';
import { nonceDocSchema, nonceIdOf, readDoc } from './records';
import type { NonceDoc } from './records';

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

/** Who presents a token, for the nonce record. */
export interface TokenHolder {
  openid: string;
  userId: string;
  roomKey: string;
}

/** A token's nonce record as read inside the transaction. */
export interface NonceCheck {
  nonceId: string;
  /**
   * The record when the nonce was used before, or issued with an owner grant (by or for this same
   * holder: anyone else failed the check).
   */
  existing: NonceDoc | null;
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
 * Reads the nonce record: TOKEN_REVOKED when a kick revoked it, TOKEN_REPLAYED when another caller
 * (or the same caller for another user or room) used it. The same holder may present its token
 * again while it lives (a reconnect).
 *
 * `proven` says a verified owner proof came with the token. It counts only while the nonce has no
 * record, i.e. on the token's first join: the SDK's rejoins present the same token and proof, and
 * must not take the room back after a transferOwnership (the same reason useOwnerGrant spends an
 * issued grant).
 */
export async function checkNonce(
  tx: DbTransaction,
  appId: string,
  nonce: string,
  holder: TokenHolder,
  proven = false,
): Promise<NonceCheck> {
  const nonceId = nonceIdOf(appId, nonce);
  const existing = await readDoc(tx, Collections.nonces, nonceId, nonceDocSchema);
  if (existing?.revoked) throw new ProtocolError(ErrorCode.TOKEN_REVOKED, 'this token was revoked');
  if (existing && (existing.openid !== holder.openid || existing.userId !== holder.userId || existing.roomKey !== holder.roomKey)) {
    throw new ProtocolError(ErrorCode.TOKEN_REPLAYED, 'this token was already used by another caller');
  }
  return { nonceId, existing, ownerGrant: existing ? existing.owner === true : proven };
}

/**
 * Uses up the token's owner grant (joinRoom, once it made the holder the owner): the grant takes
 * effect on the first join only, so that the SDK's rejoin with the same token cannot take the room
 * back after the owner handed it on (transferOwnership).
 */
export async function useOwnerGrant(tx: DbTransaction, check: NonceCheck): Promise<void> {
  // A proven first join has no record yet: consumeNonce writes the spent marker with it.
  if (check.ownerGrant && check.existing) await tx.collection(Collections.nonces).doc(check.nonceId).update({ data: { owner: false } });
}

/**
 * Records the nonce as used until the token expires (once; a repeat presentation writes nothing).
 * A first join that an owner proof made owner records the grant as spent (`owner: false`), as
 * useOwnerGrant does for an issued one: one marker, whichever way the grant came.
 */
export async function consumeNonce(tx: DbTransaction, check: NonceCheck, holder: TokenHolder, expiresAt: number): Promise<void> {
  if (check.existing) return;
  const spent = check.ownerGrant ? { owner: false } : {};
  await tx.collection(Collections.nonces).doc(check.nonceId).set({ data: { ...holder, expiresAt, ...spent } });
}
