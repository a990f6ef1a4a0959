import type { ActionName, ActionRequest } from '../../../shared/actions';
import type { MemberCount } from '../../../shared/common';
import type { Role } from '../../../shared/constants';
import type { CloudLike } from './cloud';
import { TypedEmitter } from './emitter';
import type { ConnectionState, RoomEventCallbacks } from './events';
import type { PlatformLike } from './lifecycle';
import type { ReconnectPolicy } from './reconnect';
import type { Timers } from './timers';
/** Which members a room watches: the anchors (default, any room size) or everyone (small rooms). */
export type RosterScope = 'anchors' | 'all';
/** What a room inherits from its client. */
export interface RoomConfig {
    cloud: CloudLike;
    timers: Timers;
    reconnectPolicy: ReconnectPolicy;
    pushDomain: string;
    pullDomain: string;
    callTimeoutMs: number;
    tokenWillExpireLeadMs: number;
    rosterScope: RosterScope;
    /** App hide/show and network events; none: no lifecycle recovery. */
    platform?: PlatformLike;
}
/** The fields every call after joinRoom carries (sessionId changes when the room rejoins). */
export interface Session {
    appId: string;
    userRoomId: string;
    userId: string;
    sessionId: string;
}
/** The session fields the room adds to each action itself. */
export type Extra<A extends ActionName> = Omit<ActionRequest<A>, keyof Session>;
/**
 * The room's core: identity, the one state setter, health of its parts, and the session-aware
 * `call`. The layers above add the seed's calls (roomCalls.ts), room control (roomControl.ts), the
 * live feed (feed.ts), media helpers (roomMedia.ts) and the live parts with their recovery (room.ts),
 * so each file holds one responsibility.
 */
export declare class RoomBase extends TypedEmitter<RoomEventCallbacks> {
    protected readonly config: RoomConfig;
    private readonly onEnd;
    /** The room's document id (`appId:userRoomId`). */
    readonly roomKey: string;
    /** Your userId. */
    readonly userId: string;
    /** The room id the app chose. */
    readonly userRoomId: string;
    private leaving?;
    /** The connection state. */
    get state(): ConnectionState;
    /** Your role as last confirmed by the server. */
    get role(): Role;
    /** The room's counts as last seen (join reply, then the room watch). */
    get counts(): MemberCount;
    /**
     * Leaves the room: stops the heartbeat and the watches at once, then tells the server. Calling it
     * again returns the same promise; after the session already ended (swept, replaced) it only resolves.
     */
    leaveRoom(): Promise<void>;
}
