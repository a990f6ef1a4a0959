/** renewToken: a fresh token for the same user and room extends the session past the old token's expiry. */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { removeMember, transactRoster } from '../roster';
import { authenticate, tokenExpired } from '../session';
import { checkNonce, spentNonce, verifyTokenFields } from '../tokenCheck';
import type { Handler } from './types';
import { leftCallRoom } from '../calls/roomLeft';
import { EndReason } from '../../../../shared/calls';
import { changedUser, readUser, writeUser } from '../userRecord';

/**
 * renewToken: the token must pass the checks joinRoom makes (TOKEN_INVALID, TOKEN_EXPIRED,
 * TOKEN_REPLAYED, TOKEN_REVOKED) for the session's appId, room and userId. Its nonce is consumed
 * and becomes the one a kick would revoke; the session's token expiry becomes the new token's.
 * A session whose old token has already expired cannot be renewed: it ends as a heartbeat would
 * end it (the member is removed, TOKEN_EXPIRED), and the client joins again with the new token.
 */
export const renewToken: Handler<'renewToken'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  verifyTokenFields(deps.config, request, now);
  const outcome = await transactRoster(deps.db, now, async (tx, { counts }) => {
    const session = await authenticate(tx, caller, request, now);
    if (tokenExpired(session.presence, now)) {
      await removeMember(tx, counts, session.roomKey, session.memberId);
      return { roomKey: session.roomKey, expired: true, callId: session.presence.callId };
    }
    const holder = { openid: caller.OPENID, roomKey: session.roomKey };
    const user = await readUser(tx, request.appId, request.userId);
    const nonce = checkNonce(user, request.appId, request.nonce, holder);
    const nextUser = changedUser(user, { nonce: spentNonce(nonce, holder, request.timestamp) }, now);
    if (nextUser) await writeUser(tx, request.appId, request.userId, nextUser);
    await tx.collection(Collections.presence).doc(session.memberId).update({
      data: { nonceId: nonce.nonceId, tokenExpiresAt: request.timestamp },
    });
    return { roomKey: session.roomKey, expired: false };
  });
  if (outcome.expired) await leftCallRoom(deps, outcome.callId, request.userId, EndReason.ENDED_BY_SERVER);
  if (outcome.expired) throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the session token expired before renewal');
  return { tokenExpiresAt: request.timestamp };
};
