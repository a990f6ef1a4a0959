/**
 * Spaces out the ghost sweeps that actions run on their room. Every action sweeps its room, and in
 * a busy room (a class of 500 at two heartbeats a minute is 17 calls a second, and a class start is
 * hundreds of joins within seconds) almost every one of those queries finds nothing: a ghost only
 * appears when a lease runs out. One function instance therefore sweeps a room at most once per
 * `minGapMs`; the calls in between skip the query (a database read billed on CloudBase, and a good
 * part of a join's latency). A ghost stays at most `minGapMs` longer in a busy room; in a quiet room
 * calls are further apart than that and every one still sweeps. The state lives in the instance
 * (no database): another instance keeps its own gate, which is only ever more sweeping.
 */

import { RoomMemory } from './roomMemory';

/** Per-instance memory of the rooms swept recently. */
export class SweepGate {
  /** roomKey → when this instance last swept it. */
  private readonly lastSweep: RoomMemory;

  /**
   * @param minGapMs the least time between two sweeps of one room by this instance (0 = always sweep)
   * @param maxRooms how many rooms are remembered (the oldest is forgotten first: it then sweeps again)
   */
  constructor(
    readonly minGapMs = 1000,
    maxRooms = 4096,
  ) {
    this.lastSweep = new RoomMemory(maxRooms);
  }

  /** True when `roomKey` should be swept at `now` (and remembers that it was). */
  admit(roomKey: string, now: number): boolean {
    const last = this.lastSweep.get(roomKey);
    // A clock that went back (a moved test clock, a corrected server clock) sweeps at once.
    if (last !== undefined && now >= last && now - last < this.minGapMs) return false;
    this.lastSweep.set(roomKey, now);
    return true;
  }
}
