/**
 * The stored call documents (shared/constants.ts Collections.calls, callParties, callees) and the
 * views each party reads. The call document is the truth and is admin-only; every change rewrites
 * the views of the parties it concerns from it (callStore.ts), so a view never disagrees with it.
 */
import { z } from 'zod';
import { callPartyIdOf, endReasonSchema, partyStateSchema, callStateSchema } from '../../../../shared/calls';
import type { CallView } from '../../../../shared/calls';

/** One party as the call document keeps it (its OPENID and device stay here and in its own view). */
export const partyRecordSchema = z.object({
  userId: z.string(),
  /** The party's OPENID; absent for a callee nobody could reach (no binding: never in the app). */
  openid: z.string().optional(),
  nickName: z.string(),
  role: z.enum(['caller', 'callee']),
  state: partyStateSchema,
  reason: endReasonSchema.optional(),
  invitedAt: z.number(),
  ringUntil: z.number().optional(),
  /** Rung by subscription message. */
  notified: z.boolean().optional(),
  answeredAt: z.number().optional(),
  answeredBy: z.string().optional(),
  endedAt: z.number().optional(),
});
/** One party of a stored call. */
export type PartyRecord = z.infer<typeof partyRecordSchema>;

/** jrtc_calls/{callId}: the call. */
export const callDocSchema = z.object({
  callId: z.string(),
  appId: z.string(),
  userRoomId: z.string(),
  roomKey: z.string(),
  /** The caller first, then the callees in the order they were rung. */
  parties: z.array(partyRecordSchema).min(1),
  state: callStateSchema,
  /** The caller's custom data, serialised. */
  dataJson: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** The earliest ring deadline while a callee rings (the timer's index); absent otherwise. */
  dueAt: z.number().optional(),
  version: z.number(),
});
/** A stored call. */
export type CallDoc = z.infer<typeof callDocSchema>;

/** jrtc_callees/{appId:userId}: a user's reachability and current call. */
export const calleeDocSchema = z.object({
  appId: z.string(),
  userId: z.string(),
  openid: z.string(),
  nickName: z.string(),
  /** Until when the user's app listens for calls (0: not listening). */
  listeningUntil: z.number(),
  /** The call this user is a party of and still in (ringing or joined), if any. */
  callId: z.string().optional(),
  updatedAt: z.number(),
});
/** A stored callee record. */
export type CalleeDoc = z.infer<typeof calleeDocSchema>;

/** The id of a user's callee record. */
export function calleeIdOf(appId: string, userId: string): string {
  return `${appId}:${userId}`;
}

/** The view of party `index` (its document also carries `_openid`, written by callStore). */
export function viewOf(call: CallDoc, index: number): CallView {
  const p = call.parties[index];
  const view: CallView = {
    callId: call.callId,
    appId: call.appId,
    userRoomId: call.userRoomId,
    userId: p.userId,
    callerUserId: call.parties[0].userId,
    parties: call.parties.map((q) => (q.reason ? { userId: q.userId, nickName: q.nickName, state: q.state, reason: q.reason } : { userId: q.userId, nickName: q.nickName, state: q.state })),
    state: p.state,
    callState: call.state,
    data: JSON.parse(call.dataJson) as unknown,
    open: p.state !== 'ended',
    createdAt: call.createdAt,
    version: call.version,
  };
  if (p.reason) view.reason = p.reason;
  // A callee's own ring; the caller's view carries the first ring to run out (its SDK asks then).
  const ringUntil = p.ringUntil ?? call.dueAt;
  if (ringUntil !== undefined) view.ringUntil = ringUntil;
  if (p.answeredBy !== undefined) view.answeredBy = p.answeredBy;
  if (call.answeredAt !== undefined) view.answeredAt = call.answeredAt;
  if (p.endedAt !== undefined) view.endedAt = p.endedAt;
  return view;
}

/** The view document id of party `index`. */
export function viewIdOf(call: CallDoc, index: number): string {
  return callPartyIdOf(call.callId, call.parties[index].userId);
}
