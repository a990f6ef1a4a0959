/**
 * Calls: the words both sides use. A call is a room (its media room, joined like any other) plus
 * an invitation the function keeps in the database: who rings, who answered, who left and why.
 * Each party reads its own view of the call (`CallView`, one document per party, readable by that
 * party only) through a realtime watch; only the function writes them.
 */
import { z } from 'zod';

export { CallTiming, EndReason, MAX_CALLEES, callPartyIdOf } from './callWords';

/** The reasons a stored party can end with (answeredElsewhere is a device's view, never stored). */
export const endReasonSchema = z.enum(['hangup', 'rejected', 'noAnswer', 'busy', 'canceled', 'answeredElsewhere', 'offline', 'networkLost', 'endedByServer']);

/** A party's state: `ringing` (a callee not answered yet), `joined` (in the call), `ended` (with a reason). */
export const partyStateSchema = z.enum(['ringing', 'joined', 'ended']);
/** A party's state. */
export type PartyState = z.infer<typeof partyStateSchema>;

/** A call's state: `ringing` until a callee answers, `active` once one did, `ended` when nobody is left in it. */
export const callStateSchema = z.enum(['ringing', 'active', 'ended']);
/** A call's state. */
export type CallState = z.infer<typeof callStateSchema>;

/** One party as every party of the call sees it. */
export const callPartySchema = z.object({
  userId: z.string(),
  /** The caller's nickName (its room presence); '' for callees until they join. */
  nickName: z.string(),
  state: partyStateSchema,
  reason: endReasonSchema.optional(),
});
/** One party of a call. */
export type CallParty = z.infer<typeof callPartySchema>;

/**
 * A call as one of its parties sees it: the document `jrtc_call_parties/{callId}:{userId}` that
 * party watches, and every call action's reply. It is also that party's record of the call: it
 * stays after the call ends (`open: false`).
 */
export const callViewSchema = z.object({
  callId: z.string(),
  appId: z.string(),
  /** The call's media room: join it (acceptCall answers a token for it) to talk. */
  userRoomId: z.string(),
  /** This party. */
  userId: z.string(),
  /** The caller's userId. */
  callerUserId: z.string(),
  /** Every party, the caller first. */
  parties: z.array(callPartySchema),
  /** This party's state, and why it ended. */
  state: partyStateSchema,
  reason: endReasonSchema.optional(),
  callState: callStateSchema,
  /** The caller's custom data (any JSON value), as given to `call`. */
  data: z.unknown(),
  /** true until this party's part ends: the watch asks for `open: true`. */
  open: z.boolean(),
  /** When this party stops ringing, if it rings (ms since the epoch). */
  ringUntil: z.number().optional(),
  /** The device that answered for this party (the SDK tells another device of the same user `answeredElsewhere`). */
  answeredBy: z.string().optional(),
  createdAt: z.number(),
  /** When the first callee answered. */
  answeredAt: z.number().optional(),
  /** When this party's part ended. */
  endedAt: z.number().optional(),
  version: z.number(),
});
/** A call as one party sees it. */
export type CallView = z.infer<typeof callViewSchema>;

