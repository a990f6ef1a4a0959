import type { Timers } from '../../miniprogram/lib/src/timers';

/** A manual clock for the SDK's injected timers: time moves only when a test says so. */
export class ManualTimers implements Timers {
  private time: number;
  private nextHandle = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();

  /** `start`: the clock's first reading (ms since the epoch; a fixed one by default). */
  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.due.set(handle, { at: this.time + Math.max(0, ms), fn });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.due.size;
  }

  /** Moves time forward by `ms`, running each timer that falls due in order, letting promises settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
