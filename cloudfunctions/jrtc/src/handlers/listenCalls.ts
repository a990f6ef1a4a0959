/**
 * listenCalls: a phone says it will see rings for its user in the app until the lease runs out
 * (shared/callActions.ts). Who may listen for a userId: its own WeChat user, the one the userId is
 * bound to, or, for a userId bound to nobody yet, a holder of a valid JRTC token for it (which
 * binds it, as a first join would under JRTC_BIND_USER_TO_OPENID). The token is spent as a join
 * spends it: presented by another caller afterwards (here or to joinRoom) it is TOKEN_REPLAYED.
 */
import { Collections, ErrorCode, ProtocolError, roomKeyOf } from '../../../../shared';
import { CallTiming } from '../../../../shared/calls';
import { appKeyOf } from '../../../../shared/functionConfig';
import { callerUserIdOf } from '../callerUserId';
import { calleeIdOf } from '../calls/callDocs';
import type { CalleeDoc } from '../calls/callDocs';
import { readCallee } from '../calls/callStore';
import { checkNonce, spentNonce, verifyTokenFields } from '../tokenCheck';
import { transact } from '../transact';
import { changedUser, readUser, writeUser } from '../userRecord';
import type { Handler } from './types';

/** listenCalls (see the file comment). */
export const listenCalls: Handler<'listenCalls'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  appKeyOf(config, request.appId);
  const own = callerUserIdOf(request.appId, caller.OPENID);
  const userId = request.userId ?? own;
  const token = request.token;
  if (token) verifyTokenFields(config, { appId: request.appId, userId, ...token }, now);
  const listeningUntil = request.off === true ? 0 : now + CallTiming.inboxLeaseMs;
  await transact(deps.db, async (tx) => {
    const user = await readUser(tx, request.appId, userId);
    const callee = await readCallee(tx, request.appId, userId);
    if (user?.openid !== undefined ? user.openid !== caller.OPENID : userId !== own && !token) {
      throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this userId is not yours: join a room with it first, or pass a token for it');
    }
    const holder = token ? { openid: caller.OPENID, roomKey: roomKeyOf(request.appId, token.userRoomId) } : null;
    const nonce = token && holder ? spentNonce(checkNonce(user, request.appId, token.nonce, holder), holder, token.timestamp) : undefined;
    const next = changedUser(user, { nonce, bindOpenid: config.bindUserToOpenid ? caller.OPENID : undefined }, now);
    if (next) await writeUser(tx, request.appId, userId, next);
    const doc: CalleeDoc = {
      appId: request.appId,
      userId,
      openid: caller.OPENID,
      nickName: request.nickName ?? callee?.nickName ?? '',
      listeningUntil,
      updatedAt: now,
    };
    if (callee?.callId !== undefined) doc.callId = callee.callId;
    await tx.collection(Collections.callees).doc(calleeIdOf(request.appId, userId)).set({ data: { ...doc } });
  });
  return {
    userId,
    listeningUntil,
    renewInMs: CallTiming.inboxRenewMs,
    ringTemplateIds: config.callTemplate ? [config.callTemplate.id] : [],
  };
};
