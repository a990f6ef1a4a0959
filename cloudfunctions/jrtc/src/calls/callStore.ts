/**
 * Reading and writing calls: the call document and, from it, every reachable party's view (the
 * document that party's phone watches). One call's documents are written in one transaction, so
 * a view never runs ahead of the call or behind it. A call has at most ten parties: its
 * transactions touch a handful of documents, and two parties acting in the same instant conflict
 * and are retried (transact.ts) rather than queue behind a shared document of the whole app.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { CallTiming } from '../../../../shared/callWords';
import type { DbTransaction } from '../../../../shared/ports';
import { readDoc } from '../records';
import type { DocReader } from '../records';
import { callDocSchema, calleeDocSchema, calleeIdOf, viewIdOf, viewOf } from './callDocs';
import type { CallDoc, CalleeDoc } from './callDocs';
import { atTime, partyIndex } from './callFlow';

/** The call `callId`, or null. */
export function readCall(reader: DocReader, callId: string): Promise<CallDoc | null> {
  return readDoc(reader, Collections.calls, callId, callDocSchema);
}

/** The callee record of `appId:userId`, or null. */
export function readCallee(reader: DocReader, appId: string, userId: string): Promise<CalleeDoc | null> {
  return readDoc(reader, Collections.callees, calleeIdOf(appId, userId), calleeDocSchema);
}

/** Writes the call and the view of each party that has an OPENID to read it with. */
export async function writeCall(tx: DbTransaction, call: CallDoc): Promise<void> {
  // An ended call is kept CallTiming.recordRetentionMs, record and views alike (sweep.ts purges them).
  const kept = call.state === 'ended' ? { purgeAt: (call.endedAt ?? call.updatedAt) + CallTiming.recordRetentionMs } : {};
  await tx.collection(Collections.calls).doc(call.callId).set({ data: { ...call, ...kept } });
  for (let i = 0; i < call.parties.length; i += 1) {
    const openid = call.parties[i].openid;
    if (openid === undefined) continue;
    await tx.collection(Collections.callParties).doc(viewIdOf(call, i)).set({ data: { ...viewOf(call, i), _openid: openid, ...kept } });
  }
}

/** A party of a call, authenticated. */
export interface PartyOf {
  call: CallDoc;
  index: number;
  /** Time decided something the stored call does not say yet (a ring ran out): write it. */
  changed: boolean;
}

/**
 * The call `callId` of app `appId` as `now` finds it, and the index of `userId` in it, when the
 * caller's OPENID is that party's. Anything else is CALL_NOT_FOUND: a call one is not a party of
 * looks the same as none, so ids cannot be probed.
 */
export async function readParty(reader: DocReader, ref: { appId: string; callId: string; userId: string }, openid: string, now: number): Promise<PartyOf> {
  const stored = await readCall(reader, ref.callId);
  const index = stored && stored.appId === ref.appId ? partyIndex(stored, ref.userId) : -1;
  if (!stored || index < 0 || stored.parties[index].openid !== openid) {
    throw new ProtocolError(ErrorCode.CALL_NOT_FOUND, 'no such call for this user');
  }
  const call = atTime(stored, now);
  return { call, index, changed: call !== stored };
}

/** True when `userId` is still in call `callId` (ringing or joined) at `now`: a new call finds it busy. */
export async function stillInCall(reader: DocReader, callId: string, userId: string, now: number): Promise<boolean> {
  const stored = await readCall(reader, callId);
  if (!stored) return false;
  const call = atTime(stored, now);
  const index = partyIndex(call, userId);
  return index >= 0 && call.parties[index].state !== 'ended';
}
