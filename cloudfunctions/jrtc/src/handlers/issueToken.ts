/** issueToken: a JRTC token for the calling OPENID, if the deployer's policy allows it. */
import { ErrorCode, ProtocolError, roomKeyOf } from '../../../../shared';
import { computeToken, generateNonce } from '../../../../shared/token';
import { appKeyOf } from '../../../../shared/functionConfig';
import type { OwnerGrants } from '../../../../shared/functionConfig';
import { nonceIdOf } from '../records';
import type { NonceEntry } from '../records';
import { transact } from '../transact';
import type { Handler } from './types';
import { changedUser, readUser, writeUser } from '../userRecord';
import { callerUserIdOf } from '../callerUserId';

/**
 * Whether JRTC_OWNER_GRANTS lets `openid` ask for an owner grant: `policy` leaves it to the policy
 * module (which sees `owner` and refuses or agrees), the other modes decide here.
 */
function mayGrantOwnership(grants: OwnerGrants, openid: string): boolean {
  return grants.mode === 'any' || grants.mode === 'policy' || (grants.mode === 'allow' && grants.openids.includes(openid));
}

/**
 * issueToken: JRTC_ISSUE_POLICY=off refuses every request (POLICY_DENIED: tokens then come from the
 * deployer's own server or the CLI); otherwise the policy hook decides. The token expires at
 * now + ttlSeconds and carries a fresh nonce. JRTC_TOKEN_TTL_SECONDS is both the lifetime and its
 * cap: a client may ask for a shorter one, never a longer one (POLICY_DENIED, nothing written), so a
 * leaked token lives no longer than the deployment decided.
 *
 * An owner grant cannot ride in the token (the JRTC token signs no role), so it is written as the
 * token's nonce entry on the user's record, made out to the caller as if the token had been used
 * already (in a transaction, since the record is read, changed and written whole): joinRoom
 * finds it there, and anyone else presenting the token gets TOKEN_REPLAYED. Written only once the
 * policy agreed, so a refusal changes nothing.
 */
export const issueToken: Handler<'issueToken'> = async (request, { caller, deps }) => {
  const { config } = deps;
  if (config.issuePolicy === 'off') throw new ProtocolError(ErrorCode.POLICY_DENIED, 'token issuing is turned off');
  const appKey = appKeyOf(config, request.appId);
  const ttlSeconds = request.ttlSeconds ?? config.tokenTtlSeconds;
  if (ttlSeconds > config.tokenTtlSeconds) {
    throw new ProtocolError(ErrorCode.POLICY_DENIED, `ttlSeconds may be at most ${config.tokenTtlSeconds} here (JRTC_TOKEN_TTL_SECONDS)`);
  }
  const own = callerUserIdOf(request.appId, caller.OPENID);
  const userId = request.userId ?? own;
  // JRTC_USER_IDS=caller: the caller's own userId, or one already bound to its OPENID (by a join, or
  // by the deployer), never one it merely asks for: nobody squats a userId such as "teacher".
  if (config.userIds === 'caller' && userId !== own && (await readUser(deps.db, request.appId, userId))?.openid !== caller.OPENID) {
    throw new ProtocolError(ErrorCode.POLICY_DENIED, `this deployment issues tokens only for the caller's own userId (${own}) or one bound to it (JRTC_USER_IDS)`);
  }
  const owner = request.owner === true;
  if (owner && !mayGrantOwnership(config.ownerGrants, caller.OPENID)) {
    throw new ProtocolError(ErrorCode.POLICY_DENIED, 'this deployment gives no owner grant to this caller (JRTC_OWNER_GRANTS)');
  }
  const allowed = await deps.policy(
    { caller, appId: request.appId, userRoomId: request.userRoomId, userId, ttlSeconds, owner },
    { db: deps.db, config },
  );
  if (!allowed) throw new ProtocolError(ErrorCode.POLICY_DENIED, 'the policy refused this token');
  const nonce = generateNonce();
  const now = deps.clock.now();
  const timestamp = now + ttlSeconds * 1000;
  const token = computeToken({
    appId: request.appId,
    appKey,
    roomId: request.userRoomId,
    userId,
    timestamp,
    nonce,
  });
  if (owner) {
    const grant: NonceEntry = {
      id: nonceIdOf(request.appId, nonce),
      openid: caller.OPENID,
      roomKey: roomKeyOf(request.appId, request.userRoomId),
      expiresAt: timestamp,
      owner: true,
    };
    await transact(deps.db, async (tx) => {
      const user = await readUser(tx, request.appId, userId);
      const next = changedUser(user, { nonce: grant }, now);
      if (next) await writeUser(tx, request.appId, userId, next);
    });
  }
  return { appId: request.appId, userRoomId: request.userRoomId, userId, nonce, timestamp, token };
};
