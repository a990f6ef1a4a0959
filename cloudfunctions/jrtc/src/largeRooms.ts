import { RoomMemory } from './roomMemory';

/**
 * Which rooms this function instance saw recently with more live members than a heartbeat spreads
 * phases for (SPREAD_MAX_MEMBERS). A heartbeat in such a room skips the phase query and reads only
 * its own presence: one billed read a beat instead of two, in exactly the rooms where heartbeats are
 * most of the bill (a class of 2,000 sends 4,000 a minute). The memory lives in the instance and
 * forgets after `ttlMs`, so a room that shrank is spread again within that time; another instance
 * keeps its own, which only ever means one more query.
 */
export class LargeRooms {
  /** roomKey → until when it counts as large. */
  private readonly until: RoomMemory;

  constructor(
    readonly ttlMs = 60_000,
    maxRooms = 4096,
  ) {
    this.until = new RoomMemory(maxRooms);
  }

  /** True while `roomKey` is remembered as large at `now`. */
  has(roomKey: string, now: number): boolean {
    const until = this.until.get(roomKey);
    if (until === undefined) return false;
    if (now < until) return true;
    this.until.delete(roomKey);
    return false;
  }

  /** Remembers `roomKey` as large until `now + ttlMs`. */
  remember(roomKey: string, now: number): void {
    this.until.set(roomKey, now + this.ttlMs);
  }
}
