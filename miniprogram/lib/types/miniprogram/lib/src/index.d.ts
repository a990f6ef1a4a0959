/**
 * JRTC audio rooms for WeChat mini programs on CloudBase. `import JRTCMiniappClient from
 * '../lib/jrtc-miniapp.min'`, then `await JRTCMiniappClient.init({appId, pushDomain, pullDomain})`.
 */
import JRTCMiniappClient from './client';
export default JRTCMiniappClient;
export { JRTCMiniappClient };
export { JRTCError } from './errors';
export { DefaultReconnectPolicy, DEFAULT_RETRY_DELAYS } from './reconnect';
export { pickSpeaker, DEFAULT_SPEAKER_OPTIONS } from './media';
export { ErrorCode } from '../../../shared/errors';
export { Role } from '../../../shared/constants';
export type { InitOptions, JoinRoomParams } from './client';
export type { Room, RosterScope, AudiencePage } from './room';
export type { SignalOptions, SentSignal, TokenRenewal } from './roomControl';
export type { RoomEventCallbacks, ConnectionState, ConnectionReason, PullStream, ReceivedSignal } from './events';
export type { ReconnectPolicy, ReconnectContext } from './reconnect';
export type { PlatformLike } from './lifecycle';
export type { MediaEvent, MediaHandlers, SpeakerOptions } from './media';
export type { CloudLike, DatabaseLike, WatchableLike, WatcherLike, WatchHandlers, WatchSnapshot, WatchChange } from './cloud';
export type { Timers } from './timers';
export type { Member, MemberCount, Stream, RoomSummary } from '../../../shared/common';
export type { StagePolicy } from '../../../shared/constants';
