/**
 * The calls bundle (`miniprogram/lib/jrtc-calls.min.js`): load it beside the SDK to ring, answer
 * and hang up. It adds the JRTC-form call methods and events to the client (jrtcForm.ts) and
 * exports the Room API's Calls. It uses the SDK bundle it is loaded beside (`./jrtc-miniapp.min`),
 * so a page that makes no calls pays nothing for them.
 */
import { installCallMethods } from './jrtcForm';

installCallMethods();

export { Calls } from './calls';
export type { CallParams, ListenOptions, RequestSubscribeMessage } from './calls';
export { JRTC_CALL_EVENTS } from './events';
export type { CallEventCallbacks, CallView, CallParty } from './events';
export type { JRTCCallMethods } from './jrtcForm';
export { EndReason } from '../../../../shared/callWords';
export { VoipChat } from './voip';
export type { VoipEvents, VoipPlatform } from './voip';
