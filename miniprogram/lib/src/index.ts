/**
 * JRTC audio rooms for WeChat mini programs on CloudBase. As JD Cloud JRTC documents it:
 * `import JRTCMiniappClient from '../lib/jrtc-miniapp.min'`, then
 * `const jrtcMiniapp = JRTCMiniappClient.init({appId, pushDomain, pullDomain})` and every call on it;
 * `joinRoom` resolves with a Room, whose richer typed API is ours.
 */
import JRTCMiniappClient from './client';

export default JRTCMiniappClient;
export { JRTCMiniappClient };
export { JRTCError, JRTCFailure } from './errors';
export { DefaultReconnectPolicy, DEFAULT_RETRY_DELAYS } from './reconnect';
// For the calls bundle (src/calls/), which uses this bundle's own copies rather than carry its own.
export { TypedEmitter } from './emitter';
export { callAction } from './cloud';
export { resilientWatch } from './watch';
export { pickSpeaker, DEFAULT_SPEAKER_OPTIONS } from './media';
export { ErrorCode, JrtcCode } from '../../../shared/errors';
export { Role } from '../../../shared/constants';
export type { InitOptions, JoinRoomParams, EnterRoomInfo, JRTCReply, JRTCExtraEvents } from './client';
export type { JRTCEventCallbacks, JRTCUser, JRTCStream, JRTCRoomMute, JRTCSignal } from './jrtcEvents';
export type { Room, RosterScope, AudiencePage } from './room';
export type { SignalOptions, SentSignal, TokenRenewal } from './roomApi';
export type { RoomEventCallbacks, ConnectionState, ConnectionReason, PullStream, ReceivedSignal, AudioVolume } from './events';
export type { ReconnectPolicy, ReconnectContext } from './reconnect';
export type { PlatformLike } from './lifecycle';
export type { MediaEvent, MediaHandlers, SpeakerOptions } from './media';
export type { CloudLike, DatabaseLike, WatchableLike, WatcherLike, WatchHandlers, WatchSnapshot, WatchChange } from './cloud';
export type { Timers } from './timers';
/** Every action's request and response, as the room service validates them (shared/actions.ts). */
export type { ActionName, ActionRequest, ActionResponse } from '../../../shared/actions';
export type { Member, MemberCount, Stream, RoomSummary } from '../../../shared/common';
export type { StagePolicy } from '../../../shared/constants';
