/**
 * Tokens for the demo come from the `jrtc` function's `issueToken` action, for the calling WeChat
 * user (the deployment's policy decides who gets one). An app with its own server would mint them
 * there instead (see the `jrtc` CLI) and keep `JRTC_ISSUE_POLICY=off`.
 */
import { JRTCError } from '../lib/jrtc-miniapp.min';
import type { ActionRequest, ActionResponse, CloudLike } from '../lib/jrtc-miniapp.min';

/** What issueToken returns: exactly the fields joinRoom needs besides role and nickName (timestamp: expiry, ms). */
export type IssuedToken = ActionResponse<'issueToken'>;

/**
 * Whom the token is for. `userId` omitted: the caller's own, derived from its WeChat identity (the
 * only one a deployment with JRTC_USER_IDS=caller, the default, issues); `owner`: an owner grant,
 * which the deployment's policy decides.
 */
export type TokenRequest = ActionRequest<'issueToken'>;

/**
 * Asks the `jrtc` function for a token. Rejects with a JRTCError: the server's code (POLICY_DENIED,
 * IDENTITY_MISMATCH, APP_UNKNOWN, ...) or NETWORK when the call itself failed.
 */
export async function issueToken(cloud: CloudLike, request: TokenRequest): Promise<IssuedToken> {
  let reply: unknown;
  try {
    reply = (await cloud.callFunction({ name: 'jrtc', data: { action: 'issueToken', ...request } })).result;
  } catch (err) {
    throw JRTCError.from(err);
  }
  const envelope = (reply || {}) as { ok?: unknown; data?: unknown; error?: unknown };
  if (envelope.ok === false) throw JRTCError.fromServer(envelope.error);
  const data = (envelope.data || {}) as Partial<IssuedToken>;
  if (
    envelope.ok !== true ||
    typeof data.token !== 'string' ||
    typeof data.nonce !== 'string' ||
    typeof data.timestamp !== 'number' ||
    typeof data.userId !== 'string'
  ) {
    throw JRTCError.from({ errMsg: 'issueToken: unreadable reply' });
  }
  return {
    appId: request.appId,
    userRoomId: request.userRoomId,
    userId: data.userId,
    nonce: data.nonce,
    timestamp: data.timestamp,
    token: data.token,
  };
}
