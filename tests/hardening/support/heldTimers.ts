/**
 * Real timers for the SDK (its injected `timers`) that a test can hold: while held, a timer the SDK
 * sets does not start counting until `release()`. A test holds them to keep the SDK's re-watches
 * (scheduled with the reconnect policy's delay) from running before the changes it wants those
 * re-watches to find, without guessing how long those changes take. Holding also delays heartbeats
 * and call timeouts by as long, which is harmless for the short holds of a test.
 */
import type { Timers } from '../../../miniprogram/lib/src/index';

interface Handle {
  timer?: ReturnType<typeof setTimeout>;
  cancelled: boolean;
}

/** The platform's timers with a hold. */
export class HeldTimers implements Timers {
  /** Starts of the timers set while held; null while not held. */
  private queue: Array<() => void> | null = null;

  setTimeout(fn: () => void, ms: number): unknown {
    const handle: Handle = { cancelled: false };
    const start = (): void => {
      if (!handle.cancelled) handle.timer = setTimeout(fn, ms);
    };
    if (this.queue) this.queue.push(start);
    else start();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    // The SDK clears timers it may never have set (undefined): nothing to do then.
    if (!handle || typeof handle !== 'object') return;
    const h = handle as Handle;
    h.cancelled = true;
    if (h.timer) clearTimeout(h.timer);
  }

  now(): number {
    return Date.now();
  }

  /** From now on, timers set wait for `release()`. */
  hold(): void {
    if (!this.queue) this.queue = [];
  }

  /** Starts every timer set while held (each with its full delay) and ends the hold. */
  release(): void {
    const queued = this.queue || [];
    this.queue = null;
    queued.forEach((start) => start());
  }
}
