/**
 * The SDK's injected timers on the local cloud's clock: one class for every SDK client that runs
 * against a local cloud in this process (the demo, the hardening tests). `now()` is the cloud's
 * clock, so a client's token times, heartbeats and retries agree with what the functions see.
 *
 * - Following (the default): a timer runs once the cloud's clock reaches its due time. Real
 *   timers count the wait and are re-armed whenever the clock jumps, so whatever came due in the
 *   skipped time runs at once (the demo moves a minute in a second).
 * - Stepped (`{ stepped: true }`): nothing runs by itself; a driver moves the clock and calls
 *   `fire()` (the hardening simulation goes event by event, deterministically).
 * - `hold()` / `release()`: a timer set while held starts counting only at the release (a test
 *   keeps the SDK's re-watches back until the changes it wants them to find are made).
 * - `kill()`: the app was killed; its timers never fire again.
 */
import type { Timers } from '../../miniprogram/lib/src/timers';

/** What the timers need of the cloud's clock (emulator/timers/clock.ts EmulatorClock). */
export interface FollowedClock {
  now(): number;
  onAdvance(listener: (offsetMs: number) => void): () => void;
}

interface Entry {
  id: number;
  due: number;
  fn: () => void;
  handle?: ReturnType<typeof setTimeout>;
}

/** Node fires a longer timeout at once; longer waits re-arm when they wake early. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** One client's timers on the cloud's clock. */
export class ClockTimers implements Timers {
  private readonly pending = new Map<number, Entry>();
  private seq = 0;
  private dead = false;
  /** Timers set while held, in order, waiting for release(); null while not held. */
  private held: Array<() => void> | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly clock: FollowedClock,
    private readonly options: { stepped?: boolean } = {},
  ) {
    this.unsubscribe = options.stepped ? () => undefined : clock.onAdvance(() => this.pending.forEach((entry) => this.arm(entry)));
  }

  /** The cloud clock's time (ms since the epoch). */
  now(): number {
    return this.clock.now();
  }

  /** Runs `fn` once the cloud clock is `ms` later than now (counted from release() while held). */
  setTimeout(fn: () => void, ms: number): unknown {
    if (this.dead) return undefined;
    const id = ++this.seq;
    const wait = Math.max(0, Number.isFinite(ms) ? ms : 0);
    const start = (): void => {
      const entry: Entry = { id, due: this.now() + wait, fn };
      this.pending.set(id, entry);
      this.arm(entry);
    };
    if (this.held) this.held.push(start);
    else start();
    return id;
  }

  /** Cancels a timer (unknown handles are ignored, as with the platform's). */
  clearTimeout(handle: unknown): void {
    const entry = this.pending.get(handle as number);
    if (entry) clearTimeout(entry.handle);
    this.pending.delete(handle as number);
  }

  /** Stepped: the earliest due time of a pending timer (Infinity when none, or killed). */
  next(): number {
    let min = Infinity;
    if (!this.dead) for (const { due } of this.pending.values()) min = Math.min(min, due);
    return min;
  }

  /** Stepped: runs every timer due by the clock's time now, earliest first. */
  fire(): void {
    while (!this.dead) {
      const now = this.now();
      const ready = [...this.pending.entries()].filter(([, e]) => e.due <= now).sort((a, b) => a[1].due - b[1].due)[0];
      if (!ready) return;
      this.pending.delete(ready[0]);
      ready[1].fn();
    }
  }

  /** From now on, timers set wait for `release()` before they start counting. */
  hold(): void {
    this.held ??= [];
  }

  /** Starts every timer set while held (each with its full wait) and ends the hold. */
  release(): void {
    const queued = this.held ?? [];
    this.held = null;
    queued.forEach((start) => start());
  }

  /** The app was killed: every pending timer is dropped and none set later runs. */
  kill(): void {
    this.dead = true;
    this.dispose();
  }

  /** Cancels everything and stops following the clock. */
  dispose(): void {
    this.unsubscribe();
    this.pending.forEach((entry) => clearTimeout(entry.handle));
    this.pending.clear();
    this.held = null;
  }

  /** Following: (re)starts the real timer of `entry` for what is left until its due time on the cloud clock. */
  private arm(entry: Entry): void {
    if (this.options.stepped || this.dead) return;
    clearTimeout(entry.handle);
    entry.handle = setTimeout(
      () => {
        if (this.now() < entry.due) return this.arm(entry);
        this.pending.delete(entry.id);
        entry.fn();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, entry.due - this.now())),
    );
  }
}
