/**
 * JRTC audio rooms for WeChat mini programs on CloudBase. `import JRTCMiniappClient from
 * '../lib/jrtc-miniapp.min'`, then `await JRTCMiniappClient.init({appId, pushDomain, pullDomain})`.
 */
import JRTCMiniappClient from './client';

export default JRTCMiniappClient;
export { JRTCMiniappClient };
export { JRTCError } from './errors';
export { DefaultReconnectPolicy, DEFAULT_RETRY_DELAYS } from './reconnect';
export { ErrorCode } from '../../../shared/errors';
export { Role } from '../../../shared/constants';
export type { InitOptions, JoinRoomParams } from './client';
export type { Room, RosterScope, AudiencePage } from './room';
export type { RoomEventCallbacks, ConnectionState, ConnectionReason, PullStream } from './events';
export type { ReconnectPolicy, ReconnectContext } from './reconnect';
export type { CloudLike, DatabaseLike, WatchableLike, WatcherLike, WatchHandlers, WatchSnapshot, WatchChange } from './cloud';
export type { Timers } from './timers';
export type { Member, MemberCount, Stream } from '../../../shared/common';
