import type { ActionResponse } from '../../../shared/actions';
import type { Member, RoomSummary } from '../../../shared/common';
import type { StagePolicy } from '../../../shared/constants';
import { RoomCalls } from './roomCalls';
/** What sendSignal sends: to the whole room, or to `toUserId` only. */
export interface SignalOptions {
    /** 1-32 of [A-Za-z0-9_.-], not starting with `jrtc.` (the service's own). */
    type: string;
    /** Any JSON value, at most 4,096 bytes serialised. */
    payload: unknown;
    toUserId?: string;
}
/** What the server says about a sent signal. */
export type SentSignal = ActionResponse<'sendSignal'>;
/** A fresh JRTC token for the same user and room (from your server). */
export interface TokenRenewal {
    token: string;
    nonce: string;
    timestamp: number;
}
/**
 * Room control: the owner's calls (stage policy, invitations, promote/demote, kick, admin mute) and
 * every member's (raise hand, own mute, signals, token renewal). The server decides who may: others
 * than the owner get NOT_OWNER, a target not in the room TARGET_NOT_IN_ROOM. Arguments are checked
 * by the server's schemas (BAD_REQUEST, nothing changed): repeating those checks here would cost
 * bundle size for calls that are rare and never on a hot path.
 */
export declare class RoomControl extends RoomCalls {
    /** (Owner) `open`: anyone may take the stage; `invite`: only those invited or promoted. */
    setStagePolicy(policy: StagePolicy): Promise<RoomSummary>;
    /** (Owner) Invites a member on stage: it hears `invited` and may then setRole(1). */
    inviteToStage(userId: string): Promise<Member>;
    /** (Owner) Makes a member an anchor at once. */
    promote(userId: string): Promise<Member>;
    /** (Owner) Makes a member audience again (its stream stops, its invitation is withdrawn). */
    demote(userId: string): Promise<Member>;
    /** Raises your hand: the owner and anchors hear `handRaised`. */
    raiseHand(): Promise<Member>;
    /** Lowers your hand (`handLowered` for the anchors). */
    lowerHand(): Promise<Member>;
    /** (Owner) Removes a member and revokes its token; it hears `kicked(reason)`. Resolves with the ban's end. */
    kick(userId: string, reason?: string): Promise<ActionResponse<'kick'>>;
    /** (Owner) Mutes or unmutes a member; its own mute (setMuted) stays as it set it. */
    mute(userId: string, muted: boolean): Promise<Member>;
    /** Mutes or unmutes yourself (bind `<live-pusher muted>` to it); the owner's mute stays as it set it. */
    setMuted(muted: boolean): Promise<Member>;
    /** Sends a signal to the room or to one member; they hear `signal({from, type, payload})`. */
    sendSignal(options: SignalOptions): Promise<SentSignal>;
    /**
     * Hands the server a fresh token (on `tokenWillExpire`), so the session outlives the old one; a
     * later rejoin uses it too. Resolves with the new expiry (ms).
     */
    renewToken(renewal: TokenRenewal): Promise<number>;
    private target;
}
