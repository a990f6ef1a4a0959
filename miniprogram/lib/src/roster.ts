/**
 * The live roster as pure functions over watch snapshots, so it can be tested without any SDK.
 * A CloudBase watch starts with a full snapshot (`type: 'init'`, also after every re-watch) and then
 * sends changes; `applySnapshot` diffs a full snapshot against what the page was already told, and
 * `applyChanges` applies the changes in between. Both are version-aware (a member document carries
 * `joinedAt` and a `version` bumped on every write), so a duplicated or stale change is dropped and a
 * member is never reported twice nor missed, also across re-watches.
 */
import type { Member } from '../../../shared/common';
import { memberIdOf } from '../../../shared/constants';
import type { Role } from '../../../shared/constants';
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
 * a write to its document, an update or a replace (for the anchors-only watch: a role change), rather
 * than by joining or leaving the room.
 */
export type RosterEvent =
  | { type: 'joined'; member: Member; moved: boolean }
  | { type: 'left'; member: Member; moved: boolean }
  | { type: 'updated'; member: Member; previous: Member };

/** A new roster and the events that lead to it, in order. */
export interface RosterUpdate {
  roster: Roster;
  events: RosterEvent[];
}

/** The roster before the first snapshot. */
export const emptyRoster: Roster = { members: new Map(), synced: false, pending: [] };

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A member document as the roster holds it; null when it has no userId (not a member document). */
export function toMember(doc: Record<string, unknown>): Member | null {
  const userId = str(doc.userId);
  if (!userId) return null;
  const s = (doc.stream || {}) as Record<string, unknown>;
  // Flags are always present (absent on the document means false), so pages read plain booleans.
  return {
    userId,
    nickName: str(doc.nickName),
    peerId: str(doc.peerId),
    role: (doc.role === 1 ? 1 : 2) as Role,
    stream: {
      streamId: str(s.streamId),
      publishing: s.publishing === true,
      muted: s.muted === true,
      selfMuted: s.selfMuted === true,
      adminMuted: s.adminMuted === true,
    },
    joinedAt: num(doc.joinedAt),
    version: num(doc.version),
    handRaised: doc.handRaised === true,
    invited: doc.invited === true,
  };
}

/** True when `a` and `b` differ in anything the page sees (the version aside). */
export function hasChanged(a: Member, b: Member): boolean {
  return JSON.stringify(Object.assign({}, a, { version: 0 })) !== JSON.stringify(Object.assign({}, b, { version: 0 }));
}

/** True when `a` is a later state of the member than `b`: a later seat (joinedAt), or a higher version. */
export function isNewer(a: Member, b: Member): boolean {
  return a.joinedAt > b.joinedAt || (a.joinedAt === b.joinedAt && a.version > b.version);
}

/** The document id of a member document: its `_id`, else the id the server gives it. */
function idOf(doc: Record<string, unknown> | undefined): string {
  return doc ? str(doc._id) || memberIdOf(str(doc.roomKey), str(doc.userId)) : '';
}

/** `base` with `updatedFields` (dot paths allowed) set and `removedFields` deleted. */
function patch(base: Member, updated: Record<string, unknown> = {}, removed: string[] = []): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const walk = (path: string): [Record<string, unknown>, string] => {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (!node[k] || typeof node[k] !== 'object') node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    return [node, keys[keys.length - 1]];
  };
  for (const path of Object.keys(updated)) {
    const [node, key] = walk(path);
    node[key] = updated[path];
  }
  for (const path of removed) {
    const [node, key] = walk(path);
    delete node[key];
  }
  return out;
}

/** Reports `member` as the later state of `held` (a new seat is a leave and a join); false when it is not later. */
function succeed(events: RosterEvent[], member: Member, held: Member): boolean {
  if (!isNewer(member, held)) return false;
  if (member.joinedAt !== held.joinedAt) events.push({ type: 'left', member: held, moved: false }, { type: 'joined', member, moved: false });
  else events.push({ type: 'updated', member, previous: held });
  return true;
}

/**
 * Replaces the roster with a full snapshot (`docs`) and reports the difference: members gone since
 * (left), new ones (joined), later states of known ones (updated; a new seat is a leave and a join).
 * Then applies any changes that were waiting for this first snapshot.
 */
export function applySnapshot(roster: Roster, docs: Record<string, unknown>[]): RosterUpdate {
  const incoming = new Map<string, Member>();
  for (const doc of docs) {
    const member = toMember(doc);
    if (member) incoming.set(idOf(doc), member);
  }
  const members = new Map<string, Member>();
  const events: RosterEvent[] = [];
  roster.members.forEach((held, id) => {
    if (!incoming.has(id)) events.push({ type: 'left', member: held, moved: false });
  });
  incoming.forEach((member, id) => {
    const held = roster.members.get(id);
    if (!held) events.push({ type: 'joined', member, moved: false });
    else if (!succeed(events, member, held)) member = held;
    members.set(id, member);
  });
  const next = applyChanges({ members, synced: true, pending: [] }, roster.pending);
  return { roster: next.roster, events: events.concat(next.events) };
}

/**
 * Applies a snapshot's changes. Before the first full snapshot they are queued. A change that is not
 * newer than what is held is dropped; a removal of a member never reported is dropped too.
 */
export function applyChanges(roster: Roster, changes: readonly WatchChange[]): RosterUpdate {
  if (!roster.synced) return { roster: { members: roster.members, synced: false, pending: roster.pending.concat(changes) }, events: [] };
  const members = new Map(roster.members);
  const events: RosterEvent[] = [];
  for (const change of changes) {
    const id = change.docId || idOf(change.doc);
    const held = members.get(id);
    const incoming = change.doc ? toMember(change.doc) : null;
    if (change.queueType === 'dequeue' || change.dataType === 'remove') {
      // A removal that names an older seat than the one held is a late echo: the member came back since.
      if (!held || (incoming && held.joinedAt > incoming.joinedAt)) continue;
      members.delete(id);
      // Left the result set through a write to the document (a role change): an update, whose
      // document is the one the watch held and whose fields make it what it is now, or a replace
      // (`doc(id).set()` over the document), which carries the whole new document and no fields
      // (CloudBase's watch; @cloudbase/database realtime/virtual-websocket-client.js `case 'replace'`).
      // Either is a move only for the same seat: a later joinedAt is the old seat leaving, as in `succeed`.
      const now = change.dataType === 'remove' ? null : toMember(patch(incoming || held, change.updatedFields, change.removedFields));
      const moved = !!now && now.joinedAt === held.joinedAt;
      events.push({ type: 'left', member: moved && now ? now : held, moved });
      continue;
    }
    const member = incoming || (held ? toMember(patch(held, change.updatedFields, change.removedFields)) : null);
    if (!member) continue;
    // Entering by an update or a replace: the document existed before (it is not an `add`), so the
    // member was in the room already and moved into this filtered result.
    const rewritten = change.dataType === 'update' || change.dataType === 'replace';
    if (!held) events.push({ type: 'joined', member, moved: change.queueType === 'enqueue' && rewritten });
    else if (!succeed(events, member, held)) continue;
    members.set(id, member);
  }
  return { roster: { members, synced: true, pending: [] }, events };
}
