/** The events of calls, on the Room API (Calls) and, with capitalised names, on the JRTC client. */
import type { ActionResponse } from '../index';
import type { EndReason } from '../../../../shared/callWords';

/** A call as one of its parties sees it (shared/calls.ts callViewSchema). */
export type CallView = ActionResponse<'getCall'>['call'];
/** One party of a call. */
export type CallParty = CallView['parties'][number];

/** Calls' events (`calls.on(name, listener)`). */
export interface CallEventCallbacks {
  /** A call rings for you: it was just made, or this phone started watching while it rang. Answer with `accept`. */
  callInvited: (call: CallView) => void;
  /**
   * The call went live: fires once per call, when the first callee answered (on the caller's phone
   * and every other party's), or when you answered it (on yours).
   */
  callAccepted: (call: CallView) => void;
  /** Anything else about an open call changed: a party answered, declined, left or was added. */
  callUpdated: (call: CallView) => void;
  /**
   * Your part in the call ended, and why; once per call. `answeredElsewhere` is this phone's own
   * reason: the same user answered on another device.
   */
  callEnded: (call: CallView, reason: EndReason) => void;
}

/** The JRTC client's names of the same events (`jrtcMiniapp.on('CallInvited', ...)`). */
export const JRTC_CALL_EVENTS: { readonly [K in keyof CallEventCallbacks]: string } = {
  callInvited: 'CallInvited',
  callAccepted: 'CallAccepted',
  callUpdated: 'CallUpdated',
  callEnded: 'CallEnded',
};
