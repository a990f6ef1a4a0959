/**
 * What a party does with a call it is in: acceptCall, endCall, getCall (shared/callActions.ts).
 * Each reads the call in a transaction as `now` finds it (a ring that ran out is noAnswer), applies
 * calls/callFlow.ts and writes the call with every view.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { EndReason } from '../../../../shared/calls';
import { appKeyOf } from '../../../../shared/functionConfig';
import { computeToken, generateNonce } from '../../../../shared/token';
import { calleeIdOf, viewOf } from '../calls/callDocs';
import { answer, leave } from '../calls/callFlow';
import { readCallee, readParty, writeCall } from '../calls/callStore';
import { transact } from '../transact';
import { nonceIdOf } from '../records';
import { changedUser, readUser, writeUser } from '../userRecord';
import type { Handler } from './types';

/**
 * acceptCall: a ringing party answers; a party that is out of a call still going (declined,
 * missed, left) joins it. Answers the call and a fresh JRTC token for its room, made out to the
 * party (the invitation is the authority, as a token from issueToken is the policy's).
 */
export const acceptCall: Handler<'acceptCall'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const appKey = appKeyOf(deps.config, request.appId);
  // Drawn outside the transaction, which may run more than once.
  const nonce = generateNonce();
  const timestamp = now + deps.config.tokenTtlSeconds * 1000;
  const call = await transact(deps.db, async (tx) => {
    const { call: current, index } = await readParty(tx, request, caller.OPENID, now);
    const party = current.parties[index];
    const canJoin = party.state === 'ringing' || party.state === 'joined' || current.state === 'active';
    if (!canJoin) {
      throw new ProtocolError(ErrorCode.CALL_ENDED, 'this call is over', { reason: party.reason ?? EndReason.HANGUP });
    }
    const callee = await readCallee(tx, request.appId, request.userId);
    const user = await readUser(tx, request.appId, request.userId);
    const next = answer(current, index, request.deviceId, now);
    await writeCall(tx, next);
    // The token's nonce entry, made out to this party for the call's room, lets its join take the
    // stage of an invite-only room (records.ts `stage`); anyone else presenting it is TOKEN_REPLAYED.
    const grant = { id: nonceIdOf(request.appId, nonce), openid: caller.OPENID, roomKey: current.roomKey, expiresAt: timestamp, stage: true, callId: current.callId };
    const nextUser = changedUser(user, { nonce: grant }, now);
    if (nextUser) await writeUser(tx, request.appId, request.userId, nextUser);
    if (callee) await tx.collection(Collections.callees).doc(calleeIdOf(request.appId, request.userId)).update({ data: { callId: next.callId, updatedAt: now } });
    return next;
  });
  const token = computeToken({ appId: call.appId, appKey, roomId: call.userRoomId, userId: request.userId, timestamp, nonce });
  const index = call.parties.findIndex((p) => p.userId === request.userId);
  return { call: viewOf(call, index), join: { appId: call.appId, userRoomId: call.userRoomId, userId: request.userId, token, nonce, timestamp } };
};

/** endCall: this party's part ends (rejected, canceled or hangup, as its state says); idempotent. */
export const endCall: Handler<'endCall'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const { call, index } = await transact(deps.db, async (tx) => {
    const seen = await readParty(tx, request, caller.OPENID, now);
    const next = leave(seen.call, seen.index, now);
    if (seen.changed || next !== seen.call) await writeCall(tx, next);
    return { call: next, index: seen.index };
  });
  return { call: viewOf(call, index) };
};

/** getCall: this party's view now; what time decided (a ring ran out) is written on the way. */
export const getCall: Handler<'getCall'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const seen = await readParty(deps.db, request, caller.OPENID, now);
  if (!seen.changed) return { call: viewOf(seen.call, seen.index) };
  const call = await transact(deps.db, async (tx) => {
    const current = await readParty(tx, request, caller.OPENID, now);
    if (current.changed) await writeCall(tx, current.call);
    return current.call;
  });
  return { call: viewOf(call, seen.index) };
};
