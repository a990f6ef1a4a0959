import type { ActionRequest } from '../../../shared/actions';
import type { CloudLike } from './cloud';
import type { ReconnectPolicy } from './reconnect';
import type { PlatformLike } from './lifecycle';
import { Room } from './room';
import type { RosterScope } from './room';
import type { Timers } from './timers';
/** Options of JRTCMiniappClient.init. */
export interface InitOptions {
    /** Your JRTC appId (the deployment must know it). */
    appId: string;
    /** Host (optionally :port) that push URLs point at; the function must sign for it. */
    pushDomain: string;
    /** Host (optionally :port) that pull URLs point at. */
    pullDomain: string;
    /** The `wx.cloud`-shaped client to use; defaults to the global `wx.cloud` (call `wx.cloud.init` first). */
    cloud?: CloudLike;
    /** When to retry a failed watch; default 1 s, 2 s, 5 s, then every 10 s. */
    reconnectPolicy?: ReconnectPolicy;
    /** 'anchors' (default: any room size) or 'all' (everyone on the live roster: rooms of a few hundred at most). */
    rosterScope?: RosterScope;
    /** How long a cloud call may take before it rejects with TIMEOUT (default 15,000 ms). */
    callTimeoutMs?: number;
    /** How long before the token expires `tokenWillExpire` fires (default 60,000 ms). */
    tokenWillExpireLeadMs?: number;
    /** Clock and timers (tests pass a manual one). */
    timers?: Timers;
    /**
     * App hide/show and network events, for recovery after a suspension; defaults to the global `wx`.
     * Pass `null` to turn lifecycle recovery off.
     */
    platform?: PlatformLike | null;
}
/** joinRoom's parameters, exactly as the protocol's joinRoom request. */
export type JoinRoomParams = ActionRequest<'joinRoom'>;
/**
 * The SDK's entry point: `JRTCMiniappClient.init(...)`, then `client.joinRoom(...)` for a Room. One room
 * at a time; join and leave never interleave.
 */
export default class JRTCMiniappClient {
    private readonly config;
    /** The appId given to init. */
    readonly appId: string;
    private current?;
    private pending?;
    /** What a new join waits for: the previous room's leave or the undoing of a cancelled join. */
    private settling;
    private destroyed;
    private constructor();
    /** Checks the options and creates a client. Rejects with BAD_REQUEST, or INVALID_STATE without wx.cloud. */
    static init(options: InitOptions): Promise<JRTCMiniappClient>;
    /** The joined room, or null. */
    get room(): Room | null;
    /**
     * Joins a room and resolves with it once the server admitted you; the live roster then fills through
     * the room's events. While a join is pending a second call gets the same promise; while in a room it
     * rejects with INVALID_STATE (leave first).
     */
    joinRoom(params: JoinRoomParams): Promise<Room>;
    /** Leaves the room, or cancels a pending join (which then rejects with CANCELLED). */
    leaveRoom(): Promise<void>;
    /** Cancels a pending join, leaves the room (its state goes disconnected with DESTROYED) and retires the client. */
    destroy(): Promise<void>;
    private runJoin;
}
