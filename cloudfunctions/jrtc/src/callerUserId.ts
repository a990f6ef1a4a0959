/**
 * The userId a WeChat user owns without any server of the deployer's: derived from its OPENID, so
 * no other phone can ask for it and it never reveals the OPENID. `wx_` + 22 characters of the
 * base64url SHA-256 of `appId` and the OPENID (132 bits): a valid protocol id (shared Patterns.id).
 */
import { createHash } from 'crypto';

/** The caller's own userId in `appId`. */
export function callerUserIdOf(appId: string, openid: string): string {
  return `wx_${createHash('sha256').update(`${appId}\n${openid}`, 'utf8').digest('base64url').slice(0, 22)}`;
}
