/**
 * The call actions (shared/calls.ts for the words). A caller rings from inside the call's room
 * (`call` carries its room session); callees answer, decline and hang up by the call's id, proving
 * who they are by the OPENID the platform vouches for (the party's view is made out to it).
 */
import { z } from 'zod';
import { Limits } from './constants';
import { idSchema, sessionFields, signalPayloadSchema } from './common';
import { MAX_CALLEES, callViewSchema } from './calls';

/** A device's own id (the SDK draws one per client): tells the device that answered from the others. */
const deviceIdSchema = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** The fields that name one party of one call. */
const partyFields = { appId: idSchema, callId: idSchema, userId: idSchema };

/**
 * listenCalls: make this phone reachable for calls to `userId` for CallTiming.inboxLeaseMs (the SDK
 * renews it every CallTiming.inboxRenewMs while the app is open); `off: true` stops at once. The
 * userId must be the caller's own (derived from its OPENID) or one bound to its OPENID (by a join,
 * or by the token given here, which binds it as its first join would). The phone reads its calls
 * by watching its own views; this only tells the function that a ring will be seen in the app
 * (otherwise `call` rings it with a subscription message, or answers offline).
 */
export const listenCalls = {
  request: z.object({
    appId: idSchema,
    /** Omitted: the caller's own userId, derived from its OPENID. */
    userId: idSchema.optional(),
    /** Shown to the caller's side once this user joins a call. */
    nickName: z.string().max(Limits.nickNameMaxLength).optional(),
    off: z.boolean().optional(),
    /** A JRTC token for this userId (any room), to bind a userId not bound yet. */
    token: z
      .object({
        userRoomId: idSchema,
        token: z.string().min(1).max(Limits.tokenMaxLength),
        nonce: z.string().min(1).max(Limits.nonceMaxLength),
        timestamp: z.number().int().positive(),
      })
      .optional(),
  }),
  response: z.object({
    userId: z.string(),
    /** Until when a ring reaches this phone in the app (0: not listening). */
    listeningUntil: z.number(),
    /** Renew by then. */
    renewInMs: z.number(),
    /**
     * The subscription-message templates that ring this user when the app is closed (JRTC_CALL_TEMPLATE):
     * ask for them with wx.requestSubscribeMessage from a tap. Empty when the deployment has none.
     */
    ringTemplateIds: z.array(z.string()),
  }),
};

/**
 * call: ring `callees` into the caller's room (its session names it). Each callee rings in its app
 * when it listens, else by subscription message when the deployment has a template and the callee
 * agreed to one, else ends at once `offline`; one in another call ends `busy`. Calling again from
 * a room whose call is still on adds callees to it. Ringing stops after `ringSeconds`
 * (JRTC_CALL_RING_SECONDS by default) with noAnswer.
 */
export const call = {
  request: z.object({
    ...sessionFields,
    callees: z.array(idSchema).min(1).max(MAX_CALLEES),
    /** Anything the callees' pages need (a subject, an order number): any JSON value, at most 4 KB. */
    data: signalPayloadSchema.optional(),
    ringSeconds: z.number().int().min(5).max(120).optional(),
  }),
  response: z.object({ call: callViewSchema }),
};

/** The token acceptCall hands the answering party for the call's room (joinRoom's fields). */
export const callTicketSchema = z.object({
  appId: z.string(),
  userRoomId: z.string(),
  userId: z.string(),
  token: z.string(),
  nonce: z.string(),
  timestamp: z.number(),
});

/**
 * acceptCall: answer a ringing call, or join one in progress that this party is not in (after it
 * declined, missed it or left); answers a JRTC token for the call's room, to join as an anchor.
 * A call no longer open to this party answers CALL_ENDED with the reason.
 */
export const acceptCall = {
  request: z.object({ ...partyFields, deviceId: deviceIdSchema }),
  response: z.object({ call: callViewSchema, join: callTicketSchema }),
};

/**
 * endCall: this party's part ends, with the reason its state gives: a ringing callee declines
 * (rejected), a caller whose call nobody answered yet cancels it (canceled), anyone in the call
 * hangs up (hangup; leaving the call's room does the same). Idempotent: a part already over answers
 * as it is.
 */
export const endCall = {
  request: z.object(partyFields),
  response: z.object({ call: callViewSchema }),
};

/**
 * getCall: this party's view of the call now, after what time decided (a ring that ran out is
 * noAnswer). The SDK asks when a ring should have ended, and after its watch was interrupted.
 */
export const getCall = {
  request: z.object(partyFields),
  response: z.object({ call: callViewSchema }),
};
