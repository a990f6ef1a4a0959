import type { WatchSnapshot } from './cloud';
import type { ReceivedSignal } from './events';
/** What has been delivered. Treat as immutable. */
export interface SignalInbox {
    /** Ids of the signal documents delivered (or skipped as older than the join). */
    readonly seen: ReadonlySet<string>;
    /** False until the first full snapshot. */
    readonly primed: boolean;
}
/** The inbox before the first snapshot. */
export declare const emptyInbox: SignalInbox;
/**
 * The signals of `snapshot` not delivered yet, in the order they were sent, except your own
 * (`selfId`: a room-wide signal comes back to its sender too), and the inbox after them.
 */
export declare function takeSignals(inbox: SignalInbox, snapshot: WatchSnapshot, selfId: string): {
    inbox: SignalInbox;
    signals: ReceivedSignal[];
};
