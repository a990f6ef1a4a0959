/** issueToken: a JRTC token for the calling OPENID, if the deployer's policy allows it. */
import { Collections, ErrorCode, ProtocolError, roomKeyOf } from '../../../../shared';
import { computeToken, generateNonce } from '../../../../shared/token';
import { appKeyOf } from '../config';
import type { IssuePolicy } from '../deps';
import { bindingDocSchema, bindingIdOf, nonceIdOf, readDoc } from '../records';
import type { NonceDoc } from '../records';
import type { Handler } from './types';

/**
 * The default policy: anyone may get a token for any room, for a userId that is unbound or bound to
 * the caller's OPENID (IDENTITY_MISMATCH otherwise, so a token is never minted that joinRoom would
 * refuse). With binding off, anyone may get a token for any userId.
 *
 * It grants ownership (`request.owner`) to anyone who asks, like everything else: it is the demo's
 * policy. A deployment must decide in its own policy who may own which room (its teachers, its
 * hosts), or anyone can take over any room.
 */
export const defaultIssuePolicy: IssuePolicy = async (request, { db, config }) => {
  if (!config.bindUserToOpenid) return true;
  const binding = await readDoc(
    db,
    Collections.bindings,
    bindingIdOf(request.appId, request.userId),
    bindingDocSchema,
  );
  if (binding && binding.openid !== request.caller.OPENID) {
    throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this userId is bound to another WeChat user');
  }
  return true;
};

/**
 * issueToken: JRTC_ISSUE_POLICY=off refuses every request (POLICY_DENIED: tokens then come from the
 * deployer's own server or the CLI); otherwise the policy hook decides. The token expires at
 * now + ttlSeconds (request, else JRTC_TOKEN_TTL_SECONDS) and carries a fresh nonce.
 *
 * An owner grant cannot ride in the token (the JRTC token signs no role), so it is written on the
 * token's nonce record, made out to the caller as if the token had been used already: joinRoom
 * finds it there, and anyone else presenting the token gets TOKEN_REPLAYED. Written only once the
 * policy agreed, so a refusal changes nothing.
 */
export const issueToken: Handler<'issueToken'> = async (request, { caller, deps }) => {
  const { config } = deps;
  if (config.issuePolicy === 'off') throw new ProtocolError(ErrorCode.POLICY_DENIED, 'token issuing is turned off');
  const appKey = appKeyOf(config, request.appId);
  const ttlSeconds = request.ttlSeconds ?? config.tokenTtlSeconds;
  const owner = request.owner === true;
  const allowed = await deps.policy(
    { caller, appId: request.appId, userRoomId: request.userRoomId, userId: request.userId, ttlSeconds, owner },
    { db: deps.db, config },
  );
  if (!allowed) throw new ProtocolError(ErrorCode.POLICY_DENIED, 'the policy refused this token');
  const nonce = generateNonce();
  const timestamp = deps.clock.now() + ttlSeconds * 1000;
  const token = computeToken({
    appId: request.appId,
    appKey,
    roomId: request.userRoomId,
    userId: request.userId,
    timestamp,
    nonce,
  });
  if (owner) {
    const grant: NonceDoc = {
      openid: caller.OPENID,
      userId: request.userId,
      roomKey: roomKeyOf(request.appId, request.userRoomId),
      expiresAt: timestamp,
      owner: true,
    };
    await deps.db.collection(Collections.nonces).doc(nonceIdOf(request.appId, nonce)).set({ data: { ...grant } });
  }
  return { appId: request.appId, userRoomId: request.userRoomId, userId: request.userId, nonce, timestamp, token };
};
