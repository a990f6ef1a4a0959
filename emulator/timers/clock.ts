import { expectMethod, parseBody, readJson, sendJson } from '../httpKit';
import type { EmulatorService, HttpRoute } from '../service';
import { clockBody } from '../wire';

/**
 * A controllable clock for the local cloud. The cloud functions run unchanged and read
 * `Date.now()`, so the only way to move their time is to patch `Date.now` itself: here in the
 * emulator's process, and in each function instance, which gets the offset with every event
 * (functions/instanceRuntime.ts). Nothing else is patched: `new Date()`, timers and performance.now
 * keep real time (timer triggers reschedule on advance instead).
 */
export class EmulatorClock implements EmulatorService {
  readonly name = 'clock';
  /** POST /v1/admin/clock `{advanceMs}` — moves time forward. */
  readonly routes: readonly HttpRoute[] = [
    {
      path: '/v1/admin/clock',
      handle: async (req, res) => {
        expectMethod(req, 'POST');
        const body = parseBody(clockBody, await readJson(req));
        const now = this.advance(body.advanceMs);
        sendJson(res, 200, { now, offsetMs: this.offset });
      },
    },
  ];
  private offsetMs = 0;
  private active = false;
  private installs: Array<{ date: DateConstructor; previous: () => number; patched: () => number }> = [];
  private readonly listeners = new Set<(offsetMs: number) => void>();

  /** Milliseconds since the epoch as the cloud functions see it. */
  now(): number {
    return this.active ? Date.now() : Date.now() + this.offsetMs;
  }

  /** How far this clock runs ahead of real time. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves time forward by `ms` (a non-negative finite number); returns the new `now()`. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance needs a non-negative finite number of ms, got ${ms}`);
    this.offsetMs += ms;
    for (const listener of this.listeners) listener(this.offsetMs);
    return this.now();
  }

  /** Calls `listener` after every advance (timer triggers reschedule). Returns an unsubscribe. */
  onAdvance(listener: (offsetMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Patches this process's `Date.now` to run ahead by the offset. */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    for (const date of [Date]) {
      const previous = date.now;
      // Once stopped, a patch that another clock has since covered passes time through unchanged.
      const patched = (): number => previous.call(date) + (this.active ? this.offsetMs : 0);
      date.now = patched;
      this.installs.push({ date, previous, patched });
    }
  }

  /** Restores `Date.now` (where nothing patched over it since). */
  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    for (const { date, previous, patched } of this.installs.reverse()) {
      if (date.now === patched) date.now = previous;
    }
    this.installs = [];
  }

  /** The offset and the time the functions see. */
  getInfo(): Record<string, unknown> {
    return { offsetMs: this.offsetMs, now: this.now() };
  }
}
