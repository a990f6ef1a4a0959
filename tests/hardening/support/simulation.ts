/**
 * Drives SDK clients in emulator time: each client's timers read the local cloud's clock, and the
 * simulation moves that clock from one due timer to the next (event by event, so no beat is late by
 * a step), waiting after each for the calls in flight. A killed client's timers simply never fire
 * again: no heartbeat, no leave, as a phone whose mini program was killed.
 * bench/measures/callsPerMinute.ts drives clients the same way with fixed one-second steps.
 */
import { createCloudClient } from '../../../emulator/client/client';
import type { CloudClient } from '../../../emulator/client/client';
import type { LocalCloud } from '../../../emulator/jrtc/localCloud';
import { ClockTimers } from '../../../emulator/client/clockTimers';

/** A platform client that reports each call (for heartbeat times and for waiting on calls in flight). */
export interface SimPlatform {
  platform: CloudClient;
  /** Stepped: the simulation fires them (ClockTimers); kill() them to kill the app. */
  timers: ClockTimers;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The simulation: every client's timers, the calls in flight, and events at chosen times. */
export class Simulation {
  private readonly timers = new Set<ClockTimers>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly events: Array<{ at: number; fn: () => void | Promise<void> }> = [];
  /** Called after every step (checks that watch the store and the rosters). */
  afterStep: () => void | Promise<void> = () => undefined;

  constructor(private readonly cloud: LocalCloud) {}

  /** A platform client for `openid` whose calls the simulation waits for; `onCall` sees each call's action and outcome. */
  client(openid: string, onCall?: (action: string, ok: boolean) => void): SimPlatform {
    const platform = createCloudClient({ url: this.cloud.url, openid });
    const timers = new ClockTimers(this.cloud.clock, { stepped: true });
    this.timers.add(timers);
    const callFunction = platform.callFunction.bind(platform);
    platform.callFunction = (params) => {
      const p = callFunction(params);
      const action = String((params.data as Record<string, unknown> | undefined)?.action);
      const tracked: Promise<unknown> = p.then(
        (res) => onCall?.(action, (res.result as { ok?: boolean } | undefined)?.ok === true),
        () => onCall?.(action, false),
      );
      this.inflight.add(tracked);
      void tracked.finally(() => this.inflight.delete(tracked));
      return p;
    };
    return { platform, timers };
  }

  /** Runs `fn` once the clock reaches `at`. */
  at(at: number, fn: () => void | Promise<void>): void {
    this.events.push({ at, fn });
  }

  /** Waits for the calls in flight and what they set off. */
  async quiesce(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 5; k++) await tick();
      if (this.inflight.size === 0) {
        // Watch pushes travel over a socket: give them a moment, then look again.
        await new Promise((r) => setTimeout(r, 2));
        if (this.inflight.size === 0) return;
      }
      await Promise.all([...this.inflight]);
    }
  }

  /** Moves the cloud's clock to `end`, firing every timer and event due on the way, in time order. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      let next = Infinity;
      for (const t of this.timers) next = Math.min(next, t.next());
      for (const e of this.events) next = Math.min(next, e.at);
      if (next > end) break;
      const now = this.cloud.clock.now();
      if (next > now) this.cloud.clock.advance(next - now);
      const due = this.events.filter((e) => e.at <= this.cloud.clock.now());
      for (const e of due) this.events.splice(this.events.indexOf(e), 1);
      for (const e of due) await e.fn();
      for (const t of this.timers) t.fire();
      await this.quiesce();
      await this.afterStep();
    }
    const now = this.cloud.clock.now();
    if (end > now) this.cloud.clock.advance(end - now);
    await this.quiesce();
    await this.afterStep();
  }
}
