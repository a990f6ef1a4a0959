/**
 * A number per room that a function instance remembers between calls (when it last swept a room,
 * until when a room counts as large), for at most `maxRooms` rooms: setting a room makes it the
 * newest, and the oldest is forgotten first. Forgetting is always safe for its users: they then do
 * the extra work once more.
 */
export class RoomMemory {
  /** Insertion order = oldest first. */
  private readonly values = new Map<string, number>();

  constructor(private readonly maxRooms = 4096) {}

  get(roomKey: string): number | undefined {
    return this.values.get(roomKey);
  }

  set(roomKey: string, value: number): void {
    this.values.delete(roomKey);
    this.values.set(roomKey, value);
    if (this.values.size > this.maxRooms) {
      const oldest = this.values.keys().next();
      if (!oldest.done) this.values.delete(oldest.value);
    }
  }

  delete(roomKey: string): void {
    this.values.delete(roomKey);
  }
}
