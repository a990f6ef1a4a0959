/**
 * Timers for the demo's SDK clients that follow the local cloud's clock. The demo moves that clock
 * forward (a minute passes in a second); with plain timers the clients' heartbeats would still wait
 * for real time and the server would take every member for a ghost. Here a timer falls due by the
 * cloud's clock: when the clock jumps, whatever came due in the skipped time runs at once, as if
 * that time had passed for the clients too.
 */
import type { Timers } from '../../miniprogram/lib/src/index';

/** What the timers need of the cloud's clock (emulator/timers/clock.ts EmulatorClock). */
export interface FollowedClock {
  now(): number;
  onAdvance(listener: () => void): () => void;
}

/** One client's timers, which can all stop at once (the app was killed). */
export interface KillableTimers extends Timers {
  /** Cancels every pending timer of this client and ignores any it sets later. */
  kill(): void;
}

interface Entry {
  due: number;
  fn: () => void;
  handle?: ReturnType<typeof setTimeout>;
}

/** Node fires a longer timeout at once; longer ones re-arm when they wake early. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Timers on the cloud clock: `now()` is the clock, a timer runs once the clock reaches its due time. */
export class ClockTimers implements Timers {
  private readonly pending = new Map<number, Entry>();
  private seq = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly clock: FollowedClock) {
    this.unsubscribe = clock.onAdvance(() => this.pending.forEach((entry, id) => this.arm(id, entry)));
  }

  /** The cloud clock's time (ms). */
  now(): number {
    return this.clock.now();
  }

  /** Runs `fn` once the cloud clock is `ms` later than now. */
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    const entry: Entry = { due: this.now() + Math.max(0, Number.isFinite(ms) ? ms : 0), fn };
    this.pending.set(id, entry);
    this.arm(id, entry);
    return id;
  }

  /** Cancels a timer (unknown handles are ignored, as with the platform's). */
  clearTimeout(handle: unknown): void {
    const entry = this.pending.get(handle as number);
    if (!entry) return;
    clearTimeout(entry.handle);
    this.pending.delete(handle as number);
  }

  /** Timers for one client, sharing this clock, that `kill()` stops together. */
  scope(): KillableTimers {
    const mine = new Set<unknown>();
    let dead = false;
    return {
      now: () => this.now(),
      setTimeout: (fn, ms) => {
        if (dead) return undefined;
        const handle = this.setTimeout(() => {
          mine.delete(handle);
          fn();
        }, ms);
        mine.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        mine.delete(handle);
        this.clearTimeout(handle);
      },
      kill: () => {
        dead = true;
        mine.forEach((handle) => this.clearTimeout(handle));
        mine.clear();
      },
    };
  }

  /** Cancels everything and stops following the clock. */
  dispose(): void {
    this.unsubscribe();
    this.pending.forEach((entry) => clearTimeout(entry.handle));
    this.pending.clear();
  }

  /** (Re)starts the real timer of `entry` for what is left until its due time on the cloud clock. */
  private arm(id: number, entry: Entry): void {
    clearTimeout(entry.handle);
    const left = entry.due - this.now();
    entry.handle = setTimeout(() => {
      if (this.now() < entry.due) return this.arm(id, entry);
      this.pending.delete(id);
      entry.fn();
    }, Math.min(MAX_DELAY_MS, Math.max(0, left)));
  }
}
