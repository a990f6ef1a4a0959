/** issueToken: a JRTC token for the calling OPENID, if the deployer's policy allows it. */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { computeToken, generateNonce } from '../../../../shared/token';
import { appKeyOf } from '../config';
import type { IssuePolicy } from '../deps';
import { bindingDocSchema, bindingIdOf, readDoc } from '../records';
import type { Handler } from './types';

/**
 * The default policy: anyone may get a token for any room, for a userId that is unbound or bound to
 * the caller's OPENID (IDENTITY_MISMATCH otherwise, so a token is never minted that joinRoom would
 * refuse). With binding off, anyone may get a token for any userId.
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
 */
export const issueToken: Handler<'issueToken'> = async (request, { caller, deps }) => {
  const { config } = deps;
  if (config.issuePolicy === 'off') throw new ProtocolError(ErrorCode.POLICY_DENIED, 'token issuing is turned off');
  const appKey = appKeyOf(config, request.appId);
  const ttlSeconds = request.ttlSeconds ?? config.tokenTtlSeconds;
  const allowed = await deps.policy(
    { caller, appId: request.appId, userRoomId: request.userRoomId, userId: request.userId, ttlSeconds },
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
  return { appId: request.appId, userRoomId: request.userRoomId, userId: request.userId, nonce, timestamp, token };
};
