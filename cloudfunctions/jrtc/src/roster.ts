/**
 * Roster changes and the room's counts, designed so that a class arriving at once never queues on
 * the room document.
 *
 * CloudBase locks a document at a transaction's write, and a second transaction writing it fails at
 * once (小程序云开发 guide, 数据库事务; transact.ts). If every join wrote the room's counts inside its
 * transaction, one room would admit one writer at a time and every other join would fail, back off
 * and retry: 100 phones took 10 s. So:
 *
 * - The member document is the source of truth. A roster transaction writes only the documents of
 *   the member it changes (member, presence, user record): different members never touch the same
 *   document, so their transactions never conflict.
 * - The room's counts move by atomic increments (`command.inc`) outside the transaction, with the
 *   delta it decided (CountLedger), sent as its body finishes so that it travels with the commit
 *   (RoomWriter; a room the transaction creates gets its counts after the commit). A retried attempt
 *   sends only its difference and a failed call takes it back. Every change of a member document is a
 *   transaction that writes (locks) that document, so the changes of one member are serialised and
 *   their deltas add up exactly. An increment is a plain update: on CloudBase it never fails for a
 *   conflict; it waits while a transaction holds the room (rare: creation, owner and policy changes).
 * - A capped stage takes its seat first, by a conditional increment (`where broadcasterCount <
 *   maxAnchors`): atomic, so a burst of promotions admits exactly the cap. The seat is given back
 *   if the transaction fails or decides it needs none (RoomWriter).
 * - A function killed between its commit and its increment leaves the counts off by that delta.
 *   Every increment marks the room `countsDirty`; the timer sweep recounts those rooms from their
 *   member documents and writes the result only if no increment landed while it waited out the
 *   function timeout (reconcileCounts, sweep.ts). getRoomMemberCount counts member documents
 *   (indexed), so it is exact at every moment.
 *
 * Designs weighed: counts derived from member documents on every read (exact, but every member's
 * watch would have to poll); sharded counters (no contention on plain increments to solve here:
 * they do not conflict on CloudBase, they serialise for microseconds).
 */
import { Collections, ErrorCode, ProtocolError, Role } from '../../../shared';
import type { Database, DbTransaction } from '../../../shared/ports';
import { memberDocSchema, readDoc } from './records';
import type { MemberDoc, RoomDoc } from './records';
import { transact } from './transact';

/** Anchors and audience of a room. */
export interface Counts {
  broadcasterCount: number;
  audienceCount: number;
}

/** `counts` with `delta` members of `role` added (never below zero). */
export function addToCounts(counts: Counts, role: number, delta: number): Counts {
  return role === Role.ANCHOR
    ? { broadcasterCount: Math.max(0, counts.broadcasterCount + delta), audienceCount: counts.audienceCount }
    : { broadcasterCount: counts.broadcasterCount, audienceCount: Math.max(0, counts.audienceCount + delta) };
}

/** What a roster transaction changes on one room, applied after it commits. */
interface RoomChange {
  broadcasterCount: number;
  audienceCount: number;
  joinSeq: number;
  ownerUserId?: string;
}

/** The entry of `roomKey` in `changes`, made empty when there is none. */
function changeOf(changes: Map<string, RoomChange>, roomKey: string): RoomChange {
  let c = changes.get(roomKey);
  if (!c) {
    c = { broadcasterCount: 0, audienceCount: 0, joinSeq: 0 };
    changes.set(roomKey, c);
  }
  return c;
}

/**
 * The room changes a roster transaction decided: recorded while it runs (and forgotten when it is
 * run again after a conflict), applied once it has committed.
 */
export class CountLedger {
  readonly rooms = new Map<string, RoomChange>();
  /** The transaction creates a room document: its counts can only move after the commit. */
  createsRoom = false;

  private change(roomKey: string): RoomChange {
    return changeOf(this.rooms, roomKey);
  }

  /** A member of `role` joins (+1) or leaves (-1) the room's counts. */
  add(roomKey: string, role: number, delta: number): void {
    const c = this.change(roomKey);
    if (role === Role.ANCHOR) c.broadcasterCount += delta;
    else c.audienceCount += delta;
  }

  /** A member moves from one role to another. */
  move(roomKey: string, from: number, to: number): void {
    if (from === to) return;
    this.add(roomKey, from, -1);
    this.add(roomKey, to, 1);
  }

  /** One more join (heartbeat phases count them). */
  joined(roomKey: string): void {
    this.change(roomKey).joinSeq += 1;
  }

  /** The room's new owner (an owner grant's first join). */
  owner(roomKey: string, userId: string): void {
    this.change(roomKey).ownerUserId = userId;
  }
}

/**
 * The room changes of one roster action already written to the room documents: a stage seat taken
 * before its transaction, and each attempt's ledger once its body finished (written while the
 * platform commits, to save a round trip). A later attempt or a failure writes only the difference,
 * so the rooms end with exactly the changes of the attempt that committed, or none.
 */
export class RoomWriter {
  private readonly applied = new Map<string, RoomChange>();
  private readonly writes: Promise<unknown>[] = [];

  constructor(
    private readonly db: Database,
    private readonly now: number,
  ) {}

  /**
   * Takes a seat on the room's capped stage for `userId`, who is becoming an anchor, or fails with
   * STAGE_FULL. No cap, or the owner (always admitted, even over the cap), takes no seat; nor does an
   * attempt after one that already counted an anchor here. Callers ask only for a member who is not
   * an anchor yet, before writing anything.
   */
  async takeSeat(room: RoomDoc, ownerUserId: string, userId: string): Promise<void> {
    const cap = room.maxAnchors;
    if (cap === undefined || userId === ownerUserId || (this.applied.get(room.roomKey)?.broadcasterCount ?? 0) > 0) return;
    const _ = this.db.command;
    // Atomic on CloudBase: check and increment in one single-document update, no transaction.
    const { stats } = await this.db
      .collection(Collections.rooms)
      .where({ _id: room.roomKey, broadcasterCount: _.lt(cap) })
      .update({ data: { broadcasterCount: _.inc(1), version: _.inc(1), updatedAt: this.now, countsDirty: true } });
    if (stats.updated === 0) {
      throw new ProtocolError(ErrorCode.STAGE_FULL, `the stage is full: ${cap} anchors at most`, { maxAnchors: cap });
    }
    const held = this.appliedIn(room.roomKey);
    held.broadcasterCount += 1;
  }

  /**
   * Starts writing what `ledger` changes beyond what is written already (see the class comment).
   * An owner change is written only when `committed`: unlike a count, it cannot be taken back.
   */
  settle(ledger: CountLedger, committed: boolean): void {
    const _ = this.db.command;
    for (const roomKey of new Set([...ledger.rooms.keys(), ...this.applied.keys()])) {
      const want = ledger.rooms.get(roomKey) ?? { broadcasterCount: 0, audienceCount: 0, joinSeq: 0 };
      const have = this.appliedIn(roomKey);
      const delta = {
        broadcasterCount: want.broadcasterCount - have.broadcasterCount,
        audienceCount: want.audienceCount - have.audienceCount,
        joinSeq: want.joinSeq - have.joinSeq,
      };
      const owner = committed && want.ownerUserId !== undefined && want.ownerUserId !== have.ownerUserId ? want.ownerUserId : undefined;
      this.applied.set(roomKey, { ...want, ownerUserId: owner ?? have.ownerUserId });
      if (delta.broadcasterCount === 0 && delta.audienceCount === 0 && delta.joinSeq === 0 && owner === undefined) continue;
      const data: Record<string, unknown> = { version: _.inc(1), updatedAt: this.now, countsDirty: true };
      if (delta.broadcasterCount !== 0) data.broadcasterCount = _.inc(delta.broadcasterCount);
      if (delta.audienceCount !== 0) data.audienceCount = _.inc(delta.audienceCount);
      if (delta.joinSeq !== 0) data.joinSeq = _.inc(delta.joinSeq);
      if (owner !== undefined) data.ownerUserId = owner;
      this.writes.push(this.db.collection(Collections.rooms).doc(roomKey).update({ data }));
    }
  }

  /** Waits for every room write started so far; rejects with the first that failed. */
  async flush(): Promise<void> {
    const writes = this.writes.splice(0);
    const outcomes = await Promise.allSettled(writes);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private appliedIn(roomKey: string): RoomChange {
    return changeOf(this.applied, roomKey);
  }
}

/** The handles a roster transaction body gets besides the transaction. */
export interface RosterScope {
  counts: CountLedger;
  rooms: RoomWriter;
}

/**
 * Runs a roster transaction (transact.ts: retried on conflicts) and moves the room counts it
 * recorded, one update per room, sent as soon as its body has finished: it travels with the commit
 * (one round trip for both; under CloudBase's locks the commit of a transaction whose writes all
 * succeeded does not conflict). A room the transaction creates is the exception: an update cannot
 * reach a document before it exists, so its counts move after the commit. A retried attempt writes
 * only its difference; if the action fails, everything written for it, stage seats included, is
 * taken back. `options.alongside`, when given, starts once a body has succeeded (its checks passed),
 * also with the commit, and is awaited before this returns (joinRoom sweeps the room's ghosts there).
 * `options.retry: false` tries once: a conflict answers BUSY at once (the ghost sweep: whoever holds
 * the ghost's documents is removing it already, or it rejoined).
 */
export async function transactRoster<T>(
  db: Database,
  now: number,
  body: (tx: DbTransaction, scope: RosterScope) => Promise<T>,
  options: { alongside?: () => Promise<unknown>; retry?: boolean } = {},
): Promise<T> {
  const { alongside } = options;
  const rooms = new RoomWriter(db, now);
  let last = new CountLedger();
  let side: Promise<unknown> | null = null;
  let result: T;
  try {
    const attempt = async (tx: DbTransaction): Promise<T> => {
      const counts = new CountLedger(); // a retry starts from nothing
      const value = await body(tx, { counts, rooms });
      last = counts;
      if (!counts.createsRoom) rooms.settle(counts, false);
      side ??= alongside?.() ?? null;
      return value;
    };
    result = await transact(db, attempt, undefined, options.retry === false ? 0 : undefined);
  } catch (err) {
    rooms.settle(new CountLedger(), false);
    await Promise.all([side, rooms.flush().catch((undoErr: unknown) => console.error('jrtc: taking back room counts failed', undoErr))]);
    throw err;
  }
  // Committed: what waited for it (a created room's counts, an owner change).
  rooms.settle(last, true);
  await Promise.all([side, rooms.flush()]);
  return result;
}

/**
 * Removes a member and its presence, and records its count change. Returns the removed member, or
 * null when there was no member document (the presence, if any, is removed all the same). A caller
 * that has read the member already (kick) passes it as `known` and saves that read.
 */
export async function removeMember(
  tx: DbTransaction,
  counts: CountLedger,
  roomKey: string,
  memberId: string,
  known?: MemberDoc,
): Promise<MemberDoc | null> {
  const member = known ?? (await readDoc(tx, Collections.members, memberId, memberDocSchema));
  await tx.collection(Collections.presence).doc(memberId).remove();
  if (!member) return null;
  await tx.collection(Collections.members).doc(memberId).remove();
  counts.add(roomKey, member.role, -1);
  return member;
}

/** The counts of a room, counted from its member documents (index on roomKey + role). */
export async function countMembers(db: Database, roomKey: string): Promise<Counts> {
  const members = db.collection(Collections.members);
  const [anchors, audience] = await Promise.all([
    members.where({ roomKey, role: Role.ANCHOR }).count(),
    members.where({ roomKey, role: Role.AUDIENCE }).count(),
  ]);
  return { broadcasterCount: anchors.total, audienceCount: audience.total };
}
