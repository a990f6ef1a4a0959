/**
 * The token checks joinRoom and renewToken share: signature and expiry (no database), then the
 * nonce record inside the action's transaction (revoked by a kick, or already used by another
 * caller), and finally consuming the nonce.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../shared';
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
  /** The token carries an owner grant not used yet (issueToken with `owner: true`). */
  ownerGrant: boolean;
}

/**
 * Fails with APP_UNKNOWN / CONFIG_ERROR (appId), TOKEN_INVALID (signature) or TOKEN_EXPIRED
 * (timestamp before `now`). Needs no database, so it runs before any transaction.
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
  if (fields.timestamp < now) throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the token has expired');
}

/**
 * Reads the nonce record: TOKEN_REVOKED when a kick revoked it, TOKEN_REPLAYED when another caller
 * (or the same caller for another user or room) used it. The same holder may present its token
 * again while it lives (a reconnect).
 */
export async function checkNonce(tx: DbTransaction, appId: string, nonce: string, holder: TokenHolder): Promise<NonceCheck> {
  const nonceId = nonceIdOf(appId, nonce);
  const existing = await readDoc(tx, Collections.nonces, nonceId, nonceDocSchema);
  if (existing?.revoked) throw new ProtocolError(ErrorCode.TOKEN_REVOKED, 'this token was revoked');
  if (existing && (existing.openid !== holder.openid || existing.userId !== holder.userId || existing.roomKey !== holder.roomKey)) {
    throw new ProtocolError(ErrorCode.TOKEN_REPLAYED, 'this token was already used by another caller');
  }
  return { nonceId, existing, ownerGrant: existing?.owner === true };
}

/**
 * Uses up the token's owner grant (joinRoom, once it made the holder the owner): the grant takes
 * effect on the first join only, so that the SDK's rejoin with the same token cannot take the room
 * back after the owner handed it on (transferOwnership).
 */
export async function useOwnerGrant(tx: DbTransaction, check: NonceCheck): Promise<void> {
  if (check.ownerGrant) await tx.collection(Collections.nonces).doc(check.nonceId).update({ data: { owner: false } });
}

/** Records the nonce as used until the token expires (once; a repeat presentation writes nothing). */
export async function consumeNonce(tx: DbTransaction, check: NonceCheck, holder: TokenHolder, expiresAt: number): Promise<void> {
  if (check.existing) return;
  await tx.collection(Collections.nonces).doc(check.nonceId).set({ data: { ...holder, expiresAt } });
}
