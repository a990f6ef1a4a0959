import type { Member } from '../../../shared/common';
import { RoomControl } from './roomControl';
/**
 * The live feed: what the watches deliver, turned into the page's events, each exactly once also
 * across re-watches and rejoins (the pure roster.ts and signals.ts keep the books).
 */
export declare class RoomFeed extends RoomControl {
    /** Streams announced with streamPublished, by userId (their streamId). */
    private announced;
    private inbox;
    private wasInvited;
    /** The live roster (anchors, or everyone with rosterScope 'all'), you included when on it. */
    get members(): Member[];
    /** (Anchors) The members whose hand is up. */
    get raisedHands(): Member[];
    /** Turns one roster event into the page's events. */
    private report;
    /** Announces or withdraws another member's stream so that the page hears of each exactly once. */
    private syncStream;
}
