import { expectMethod, parseBody, readJson, sendJson } from '../httpKit';
import type { EmulatorService, HttpRoute } from '../service';
import { clockBody } from '../wire';

/**
 * Real time, as this module found it: a test harness may make `Date.now` follow this clock for the
 * pages it runs in-process (tests/helpers/deviceClock.ts), and the clock must not count its offset twice.
 */
const realNow = Date.now.bind(Date);

/**
 * A controllable clock for the local cloud, passed to every service that tells time. The cloud
 * functions run unchanged and read `Date.now()`, so each function instance patches its own
 * `Date.now` with the offset that comes with every event (functions/instanceRuntime.ts); nothing in
 * the local cloud's own process is patched. `new Date()`, timers and performance.now keep real time
 * (timer triggers reschedule on advance instead).
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
  private readonly listeners = new Set<(offsetMs: number) => void>();

  /** Milliseconds since the epoch as the cloud functions see it. */
  now(): number {
    return realNow() + this.offsetMs;
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

  /** Nothing to start: the clock is read through `now()`; only function instances patch `Date.now`. */
  async start(): Promise<void> {}

  /** Nothing to stop. */
  async stop(): Promise<void> {}

  /** The offset and the time the functions see. */
  getInfo(): Record<string, unknown> {
    return { offsetMs: this.offsetMs, now: this.now() };
  }
}
