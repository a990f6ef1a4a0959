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
 * - The room's counts move by atomic increments (`command.inc`) AFTER the transaction commits, with
 *   the delta the transaction decided (CountLedger). Every change of a member document is a
 *   transaction that writes (locks) that document, so the changes of one member are serialised and
 *   their deltas add up exactly. An increment is a plain update: on CloudBase it never fails for a
 *   conflict; it waits while a transaction holds the room (rare: creation, owner and policy changes).
 * - A capped stage takes its seat first, by a conditional increment (`where broadcasterCount <
 *   maxAnchors`): atomic, so a burst of promotions admits exactly the cap. The seat is given back
 *   if the transaction fails or decides it needs none.
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
import type { Database, DbTransaction } from './ports';
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

/**
 * The room changes a roster transaction decided: recorded while it runs (and forgotten when it is
 * run again after a conflict), applied once it has committed.
 */
export class CountLedger {
  readonly rooms = new Map<string, RoomChange>();

  private change(roomKey: string): RoomChange {
    let c = this.rooms.get(roomKey);
    if (!c) {
      c = { broadcasterCount: 0, audienceCount: 0, joinSeq: 0 };
      this.rooms.set(roomKey, c);
    }
    return c;
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

/** The stage seats a roster action holds (taken before its transaction, kept across its retries). */
export class StageSeats {
  /** Seats held, by room. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly now: number,
  ) {}

  /**
   * Takes a seat on the room's capped stage for `userId`, who is becoming an anchor, or fails with
   * STAGE_FULL. No cap, or the owner (always admitted, even over the cap), takes no seat. A seat
   * taken by an earlier attempt of the same action is reused. Callers ask only for a member who is
   * not an anchor yet, before writing anything.
   */
  async take(room: RoomDoc, ownerUserId: string, userId: string): Promise<void> {
    const cap = room.maxAnchors;
    if (cap === undefined || userId === ownerUserId || (this.held.get(room.roomKey) ?? 0) > 0) return;
    const _ = this.db.command;
    // Atomic on CloudBase: check and increment in one single-document update, no transaction.
    const { stats } = await this.db
      .collection(Collections.rooms)
      .where({ _id: room.roomKey, broadcasterCount: _.lt(cap) })
      .update({ data: { broadcasterCount: _.inc(1), version: _.inc(1), updatedAt: this.now, countsDirty: true } });
    if (stats.updated === 0) {
      throw new ProtocolError(ErrorCode.STAGE_FULL, `the stage is full: ${cap} anchors at most`, { maxAnchors: cap });
    }
    this.held.set(room.roomKey, 1);
  }

  /** The rooms this action holds seats in. */
  rooms(): string[] {
    return [...this.held.keys()];
  }

  /** Seats held in `roomKey` (already counted as anchors). */
  heldIn(roomKey: string): number {
    return this.held.get(roomKey) ?? 0;
  }

  /** Gives back every seat (the action failed). */
  async releaseAll(): Promise<void> {
    const _ = this.db.command;
    await Promise.all(
      [...this.held].map(([roomKey, n]) =>
        this.db.collection(Collections.rooms).doc(roomKey).update({
          data: { broadcasterCount: _.inc(-n), version: _.inc(1), updatedAt: this.now, countsDirty: true },
        }),
      ),
    );
    this.held.clear();
  }
}

/** The handles a roster transaction body gets besides the transaction. */
export interface RosterScope {
  counts: CountLedger;
  seats: StageSeats;
}

/**
 * Runs a roster transaction (transact.ts: retried on conflicts), then applies the count changes it
 * recorded, one update per room. Seats taken for it and not used are given back; if it fails,
 * all of them.
 */
export async function transactRoster<T>(
  db: Database,
  now: number,
  body: (tx: DbTransaction, scope: RosterScope) => Promise<T>,
): Promise<T> {
  const seats = new StageSeats(db, now);
  let counts = new CountLedger();
  let result: T;
  try {
    result = await transact(db, (tx) => {
      counts = new CountLedger(); // a retry starts from nothing
      return body(tx, { counts, seats });
    });
  } catch (err) {
    await seats.releaseAll().catch((releaseErr: unknown) => console.error('jrtc: giving back a stage seat failed', releaseErr));
    throw err;
  }
  await applyRoomChanges(db, counts, seats, now);
  return result;
}

/** Writes each room's recorded changes as increments (one plain update per room, in parallel). */
async function applyRoomChanges(db: Database, ledger: CountLedger, seats: StageSeats, now: number): Promise<void> {
  const _ = db.command;
  const writes: Promise<unknown>[] = [];
  for (const [roomKey, c] of ledger.rooms) {
    // A seat taken before the transaction is already counted.
    const anchors = c.broadcasterCount - seats.heldIn(roomKey);
    if (anchors === 0 && c.audienceCount === 0 && c.joinSeq === 0 && c.ownerUserId === undefined) continue;
    const data: Record<string, unknown> = { version: _.inc(1), updatedAt: now, countsDirty: true };
    if (anchors !== 0) data.broadcasterCount = _.inc(anchors);
    if (c.audienceCount !== 0) data.audienceCount = _.inc(c.audienceCount);
    if (c.joinSeq !== 0) data.joinSeq = _.inc(c.joinSeq);
    if (c.ownerUserId !== undefined) data.ownerUserId = c.ownerUserId;
    writes.push(db.collection(Collections.rooms).doc(roomKey).update({ data }));
  }
  // Seats held in rooms the transaction recorded nothing for were not used: give them back.
  const unused = seats.rooms().filter((k) => !ledger.rooms.has(k));
  for (const roomKey of unused) {
    writes.push(
      db.collection(Collections.rooms).doc(roomKey).update({
        data: { broadcasterCount: _.inc(-seats.heldIn(roomKey)), version: _.inc(1), updatedAt: now, countsDirty: true },
      }),
    );
  }
  await Promise.all(writes);
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
