/**
 * call: ring callees into the caller's room (shared/callActions.ts). One transaction reads the
 * caller's session, its room's call, and each callee's reachability (callee record, binding, the
 * call it may be busy with), then writes the call, every party's view and the callee records.
 * Callees whose app is closed are rung by subscription message after the commit (a message is not
 * something a retried transaction may send twice); one WeChat refuses ends offline.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { EndReason } from '../../../../shared/calls';
import type { ActionRequest } from '../../../../shared';
import type { CallerContext, DbTransaction } from '../../../../shared/ports';
import type { CoreDeps } from '../deps';
import { readDoc, roomDocSchema } from '../records';
import { authenticate } from '../session';
import type { Session } from '../session';
import { transact } from '../transact';
import { readUser } from '../userRecord';
import { calleeIdOf, viewOf } from '../calls/callDocs';
import type { CallDoc, CalleeDoc } from '../calls/callDocs';
import { addCallees, atTime, leave, partyIndex } from '../calls/callFlow';
import type { NewCallee } from '../calls/callFlow';
import { readCall, readCallee, stillInCall, writeCall } from '../calls/callStore';
import { ringMessage } from '../calls/ringing';
import type { Handler } from './types';

/** How one callee can be reached, as the transaction found it. */
async function reach(tx: DbTransaction, deps: CoreDeps, appId: string, userId: string, callId: string, now: number): Promise<[NewCallee, CalleeDoc | null]> {
  const record = await readCallee(tx, appId, userId);
  const openid = record?.openid ?? (await readUser(tx, appId, userId))?.openid;
  const nickName = record?.nickName ?? '';
  const base = { userId, openid, nickName, notified: false };
  if (openid === undefined) return [{ ...base, outcome: EndReason.OFFLINE }, record];
  if (record?.callId !== undefined && record.callId !== callId && (await stillInCall(tx, record.callId, userId, now))) {
    return [{ ...base, outcome: EndReason.BUSY }, record];
  }
  if (record !== null && record.listeningUntil >= now) return [{ ...base, outcome: 'ringing' }, record];
  if (deps.config.callTemplate !== null) return [{ ...base, outcome: 'ringing', notified: true }, record];
  return [{ ...base, outcome: EndReason.OFFLINE }, record];
}

/**
 * The call the caller's room is on, when the caller is in it (calling again adds callees to it),
 * and the caller's own callee record. IN_ANOTHER_CALL when the room's call goes on without the
 * caller, or the caller is still in another call.
 */
async function currentCall(tx: DbTransaction, session: Session, appId: string, userId: string, now: number): Promise<[CallDoc | null, CalleeDoc | null]> {
  const room = await readDoc(tx, Collections.rooms, session.roomKey, roomDocSchema);
  const inRoom = room?.callId === undefined ? null : await readCall(tx, room.callId);
  const roomCall = inRoom ? atTime(inRoom, now) : null;
  const own = await readCallee(tx, appId, userId);
  if (roomCall && roomCall.state !== 'ended') {
    const i = partyIndex(roomCall, userId);
    if (i >= 0 && roomCall.parties[i].state === 'joined') return [roomCall, own];
    throw new ProtocolError(ErrorCode.IN_ANOTHER_CALL, 'this room is on a call you are not in', { callId: roomCall.callId });
  }
  if (own?.callId !== undefined && (await stillInCall(tx, own.callId, userId, now))) {
    throw new ProtocolError(ErrorCode.IN_ANOTHER_CALL, 'you are in another call', { callId: own.callId });
  }
  return [null, own];
}

/** A user's callee record once it is a party of `callId`. */
function inCall(appId: string, userId: string, openid: string, record: CalleeDoc | null, callId: string, now: number): CalleeDoc {
  const base: CalleeDoc = record ?? { appId, userId, openid, nickName: '', listeningUntil: 0, updatedAt: now };
  return { ...base, callId, updatedAt: now };
}

/** What the transaction did: the call as written, and who is to be rung by message. */
interface Rung {
  call: CallDoc;
  byMessage: string[];
}

/** The transaction: checks, then the call, the views and the callee records. */
async function ring(tx: DbTransaction, deps: CoreDeps, request: ActionRequest<'call'>, caller: CallerContext, newId: string, now: number): Promise<Rung> {
  const { appId, userId } = request;
  const session = await authenticate(tx, caller, request, now);
  const [ongoing, own] = await currentCall(tx, session, appId, userId, now);
  const callId = ongoing?.callId ?? newId;
  const callees = [...new Set(request.callees)].filter((u) => u !== userId);
  if (callees.length === 0) throw new ProtocolError(ErrorCode.BAD_REQUEST, 'call someone other than yourself', { field: 'callees' });
  const reached: Array<[NewCallee, CalleeDoc | null]> = [];
  for (const callee of callees) reached.push(await reach(tx, deps, appId, callee, callId, now));

  // All reads done: write.
  const call: CallDoc = ongoing ?? {
    callId,
    appId,
    userRoomId: request.userRoomId,
    roomKey: session.roomKey,
    parties: [{ userId, openid: caller.OPENID, nickName: session.presence.nickName ?? '', role: 'caller', state: 'joined', invitedAt: now, answeredAt: now }],
    state: 'ringing',
    dataJson: JSON.stringify(request.data ?? null),
    createdAt: now,
    updatedAt: now,
    version: 0,
  };
  const ringUntil = now + (request.ringSeconds ?? deps.config.callRingSeconds) * 1000;
  const next = addCallees(call, reached.map(([c]) => c), ringUntil, now);
  await writeCall(tx, next);
  const records = reached.filter(([c]) => c.openid !== undefined && c.outcome !== EndReason.BUSY);
  for (const [c, record] of records) {
    await tx.collection(Collections.callees).doc(calleeIdOf(appId, c.userId)).set({ data: { ...inCall(appId, c.userId, c.openid as string, record, callId, now) } });
  }
  if (!ongoing) {
    await tx.collection(Collections.callees).doc(calleeIdOf(appId, userId)).set({ data: { ...inCall(appId, userId, caller.OPENID, own, callId, now) } });
    await tx.collection(Collections.rooms).doc(session.roomKey).update({ data: { callId } });
    // Leaving the room now ends the caller's part (calls/roomLeft.ts reads it from the presence).
    await tx.collection(Collections.presence).doc(session.memberId).update({ data: { callId } });
  }
  return { call: next, byMessage: reached.filter(([c]) => c.notified && c.outcome === 'ringing').map(([c]) => c.userId) };
}

/** Sends the ring messages of the callees rung by message; one WeChat refuses ends offline. */
async function notify(deps: CoreDeps, { call, byMessage }: Rung, request: ActionRequest<'call'>, now: number): Promise<CallDoc> {
  const template = deps.config.callTemplate;
  const data = request.data;
  const subject = data !== null && typeof data === 'object' && !Array.isArray(data) && typeof data.subject === 'string' ? data.subject : '';
  const caller = call.parties[0];
  const facts = { callId: call.callId, appId: call.appId, callerUserId: caller.userId, callerName: caller.nickName, subject, now };
  const rung = call.parties.filter((p) => byMessage.includes(p.userId) && p.state === 'ringing' && p.openid !== undefined);
  if (!template || rung.length === 0) return call;
  const refused: string[] = [];
  await Promise.all(
    rung.map(async (p) => {
      try {
        await deps.messenger.sendSubscribeMessage(ringMessage(template, p.openid as string, facts));
      } catch (err) {
        // 43101: the user has not accepted (or used up) a subscription to the template. Any refusal
        // leaves the callee unreachable: it is told nothing, and its part ends offline.
        console.warn(`jrtc: ringing ${p.userId} by subscription message failed`, (err as { errCode?: unknown }).errCode ?? err);
        refused.push(p.userId);
      }
    }),
  );
  if (refused.length === 0) return call;
  return transact(deps.db, async (tx) => {
    let current = await readCall(tx, call.callId);
    if (!current) return call;
    for (const userId of refused) {
      const i = partyIndex(current, userId);
      if (i >= 0 && current.parties[i].state === 'ringing') current = leave(current, i, now, EndReason.OFFLINE);
    }
    await writeCall(tx, current);
    return current;
  });
}

/** call (see the file comment). */
export const call: Handler<'call'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const newId = deps.random.id(12);
  const rung = await transact(deps.db, (tx) => ring(tx, deps, request, caller, newId, now));
  const settled = await notify(deps, rung, request, now);
  return { call: viewOf(settled, partyIndex(settled, request.userId)) };
};
