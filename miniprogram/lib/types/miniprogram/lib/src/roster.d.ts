/**
 * The live roster as pure functions over watch snapshots, so it can be tested without any SDK.
 * A CloudBase watch starts with a full snapshot (`type: 'init'`, also after every re-watch) and then
 * sends changes; `applySnapshot` diffs a full snapshot against what the page was already told, and
 * `applyChanges` applies the changes in between. Both are version-aware (a member document carries
 * `joinedAt` and a `version` bumped on every write), so a duplicated or stale change is dropped and a
 * member is never reported twice nor missed, also across re-watches.
 */
import type { Member } from '../../../shared/common';
import type { WatchChange } from './cloud';
/** The roster the page has been told about. Treat as immutable: the functions return a new one. */
export interface Roster {
    /** Members by document id (`roomKey:userId`). */
    readonly members: ReadonlyMap<string, Member>;
    /** True once a full snapshot was applied. */
    readonly synced: boolean;
    /** Changes that came before the first full snapshot; applied right after it. */
    readonly pending: readonly WatchChange[];
}
/**
 * What changed for the page. `moved` marks a member that entered or left a filtered watch because of
 * an update (for the anchors-only watch: a role change) rather than by joining or leaving the room.
 */
export type RosterEvent = {
    type: 'joined';
    member: Member;
    moved: boolean;
} | {
    type: 'left';
    member: Member;
    moved: boolean;
} | {
    type: 'updated';
    member: Member;
    previous: Member;
};
/** A new roster and the events that lead to it, in order. */
export interface RosterUpdate {
    roster: Roster;
    events: RosterEvent[];
}
/** The roster before the first snapshot. */
export declare const emptyRoster: Roster;
/** A member document as the roster holds it; null when it has no userId (not a member document). */
export declare function toMember(doc: Record<string, unknown>): Member | null;
/** True when `a` is a later state of the member than `b`: a later seat (joinedAt), or a higher version. */
export declare function isNewer(a: Member, b: Member): boolean;
/**
 * Replaces the roster with a full snapshot (`docs`) and reports the difference: members gone since
 * (left), new ones (joined), later states of known ones (updated; a new seat is a leave and a join).
 * Then applies any changes that were waiting for this first snapshot.
 */
export declare function applySnapshot(roster: Roster, docs: Record<string, unknown>[]): RosterUpdate;
/**
 * Applies a snapshot's changes. Before the first full snapshot they are queued. A change that is not
 * newer than what is held is dropped; a removal of a member never reported is dropped too.
 */
export declare function applyChanges(roster: Roster, changes: readonly WatchChange[]): RosterUpdate;
