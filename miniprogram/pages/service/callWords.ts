/**
 * What the customer-service page says when a call ends, from the SDK's typed end reason and which
 * side of the call you were on. Pure, so each wording is tested without a cloud.
 */
import type { EndReason } from '../../lib/jrtc-calls.min';

/** Your side of the call, as far as the words depend on it. */
export interface CallSide {
  /** You rang (the agent); false: you were rung. */
  caller: boolean;
  /** You ended it yourself (declined, canceled, hung up). */
  byMe: boolean;
  /** The other party's name as shown. */
  peer: string;
}

/** One line for a call that ended with `reason`. */
export function endWords(reason: EndReason, side: CallSide): string {
  const { caller, byMe, peer } = side;
  switch (reason) {
    case 'busy':
      return caller ? `${peer} is busy in another call` : 'Busy: you were in another call';
    case 'noAnswer':
      return caller ? `No answer from ${peer}` : `Missed call from ${peer}`;
    case 'rejected':
      return byMe ? 'You declined the call' : `${peer} declined the call`;
    case 'canceled':
      return byMe ? 'You canceled the call' : `Missed call: ${peer} hung up before you answered`;
    case 'hangup':
      return byMe ? 'You hung up' : `${peer} hung up`;
    case 'offline':
      return `${peer} cannot be reached (app closed, no permission to ring it)`;
    case 'networkLost':
      // A party whose phone stopped heartbeating is the one lost: you hear it of the other side.
      return `The connection to ${peer} was lost`;
    case 'answeredElsewhere':
      return 'Answered on another of your devices';
    case 'endedByServer':
      return 'The service ended the call';
    default:
      return `Call ended (${String(reason)})`;
  }
}

/** `m:ss` for a call that lasted `ms`. */
export function durationWords(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
