import { RoomMedia } from './roomMedia';
import type { TokenRenewal } from './roomControl';
export type { RosterScope, RoomConfig, Session } from './roomBase';
export type { AudiencePage } from './roomCalls';
/**
 * A joined room: the seed's calls, room control, the live roster and its events, the heartbeat, and
 * recovery after the app was hidden or offline. Created by `client.joinRoom`; once `state` is
 * `disconnected` it is spent (join again for a new one).
 */
export declare class Room extends RoomMedia {
    /** The join parameters, for a rejoin (renewToken replaces the token). */
    private params;
    private lease;
    /** Stops of the live parts (watches, heartbeat): restarted on resume. */
    private live;
    private isLive;
    private stopHands?;
    /** The latest heartbeat times, kept across restarts for the budget. */
    private beats;
    private tokenTimer;
    private tokenExpiry;
    /** When the app went away (hidden or offline); 0 while here. */
    private awaySince;
    /** The server said NOT_IN_ROOM while the app was away: rejoin when it is back. */
    private lapsed;
    /** Hands the server a fresh token; a later rejoin uses it too. Resolves with the new expiry (ms). */
    renewToken(renewal: TokenRenewal): Promise<number>;
    /** Starts the watches and the heartbeat; `resync`: the room counts as reconnecting until each watch delivered. */
    private goLive;
    private stopLive;
    /** One resilient watch that reports its health as `part`; returns its stop. */
    private openWatch;
    /** A heartbeat of the current session (the reply decides; heartbeat.ts or resume handle errors). */
    private beat;
    private setTokenExpiry;
    private away;
    private back;
    private lapse;
    /**
     * Back after being away: a session that may have lapsed (away longer than the lease, or the server
     * says NOT_IN_ROOM) rejoins with the stored parameters; otherwise one heartbeat confirms it. Then
     * every watch starts over: their full snapshots are diffed against what the page was told, so
     * nobody is reported twice or missed. Network failures are retried with the reconnect policy.
     */
    private resume;
    /** Joins again as the same user (the server lets the same caller reuse its live token). */
    private rejoin;
    /** True once the room ended (a method, so that TypeScript does not narrow across awaits). */
    private over;
}
