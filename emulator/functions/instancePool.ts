/**
 * The instances of one function, as SCF keeps them: one event at a time per instance, a warm idle
 * instance reused before a new one starts, more instances under concurrency up to a cap (then
 * events queue in arrival order), idle instances reclaimed after a while.
 *
 * New instances start at a bounded pace: at most `maxStarting` at once. SCF bounds its scale-up too
 * (its "function burst", 500 new instances a minute per account and region: 并发概述,
 * https://cloud.tencent.com/document/product/583/45757), but here the bound is the machine: each
 * instance is a Node process loading its bundle (~0.45 s of CPU for this repo's main function), and
 * 45 of them started at once on 2 cores ran each cold start past the function's 10 s timeout, where
 * a few reused instances answered all 45 calls in 3 s. An event that finds no idle instance and no
 * free start slot waits for whichever comes first, a freed instance or a start slot, so the pool
 * still grows to the burst's concurrency, up to `maxInstances`, as fast as the machine starts processes.
 */
import { FunctionInstance, type EventOutcome, type InstanceSpec, type InvokeMessage } from './instance';

/** The pool's settings. */
export interface PoolOptions {
  /** The most instances running at once (the platform's per-function concurrency, scaled to this machine). */
  maxInstances: number;
  /** An instance idle this long is stopped (SCF reclaims idle instances after minutes). */
  idleMs: number;
  /** The most instances starting (loading their bundle) at once; the rest of a burst waits (see above). */
  maxStarting: number;
}

/** An event's outcome and whether it paid a cold start. */
export type PoolOutcome = EventOutcome & { coldStart: boolean };

/** What a pool reports about itself. */
export interface PoolStats {
  /** Instances alive (starting, busy or idle). */
  running: number;
  /** Of them, those still loading their bundle. */
  starting: number;
  idle: number;
  queued: number;
  coldStarts: number;
}

type Waiter = { resolve: (instance: FunctionInstance) => void; reject: (err: Error) => void };

/** The instance processes of one function. */
export class InstancePool {
  private readonly instances = new Set<FunctionInstance>();
  private readonly idle: Array<{ instance: FunctionInstance; timer: NodeJS.Timeout }> = [];
  private readonly waiters: Waiter[] = [];
  private readonly fresh = new WeakSet<FunctionInstance>();
  /** Instances started whose bundle has not loaded (or failed to) yet. */
  private starting = 0;
  private coldStarts = 0;
  private closed = false;

  constructor(private readonly spec: () => InstanceSpec, private readonly options: PoolOptions) {}

  /** Runs one event on a free instance (starting one when none is idle and the cap allows). */
  async run(message: Omit<InvokeMessage, 'type' | 'id'>, timeoutMs: number): Promise<PoolOutcome> {
    const instance = await this.acquire();
    const coldStart = this.fresh.has(instance);
    this.fresh.delete(instance);
    try {
      // The cold start counts against the event's time limit, as the first event's duration does on SCF.
      // Measured on the monotonic clock: Date.now may be the local cloud's clock, which tests move.
      const started = performance.now();
      const loaded = await withTimeout(instance.ready, timeoutMs);
      if (loaded === TIMED_OUT) {
        await instance.kill();
        return { kind: 'timeout', coldStart };
      }
      return { ...(await instance.run(message, Math.max(1, timeoutMs - (performance.now() - started)))), coldStart };
    } catch (err) {
      // The bundle failed to load: this event fails with the reason, the next one tries a new instance.
      await instance.kill();
      return { kind: 'failed', error: (err as Error).message, coldStart };
    } finally {
      this.release(instance);
    }
  }

  /** Counts for the console and the bench. */
  stats(): PoolStats {
    return { running: this.instances.size, starting: this.starting, idle: this.idle.length, queued: this.waiters.length, coldStarts: this.coldStarts };
  }

  /** Stops every instance; queued events fail. */
  async stop(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the local cloud stopped'));
    for (const { timer } of this.idle.splice(0)) clearTimeout(timer);
    await Promise.all([...this.instances].map((i) => i.kill()));
    this.instances.clear();
  }

  private acquire(): Promise<FunctionInstance> {
    if (this.closed) return Promise.reject(new Error('the local cloud stopped'));
    while (this.idle.length > 0) {
      const { instance, timer } = this.idle.pop() as { instance: FunctionInstance; timer: NodeJS.Timeout };
      clearTimeout(timer);
      if (instance.alive) return Promise.resolve(instance);
      this.instances.delete(instance);
    }
    if (this.canStart()) return Promise.resolve(this.spawn());
    return new Promise<FunctionInstance>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Whether another instance may start now: under the cap, and a start slot free. */
  private canStart(): boolean {
    return this.instances.size < this.options.maxInstances && this.starting < this.options.maxStarting;
  }

  /** Starts instances for waiting events while a start slot is free (after a start or an instance ended). */
  private scaleUp(): void {
    while (!this.closed && this.waiters.length > 0 && this.canStart()) {
      (this.waiters.shift() as Waiter).resolve(this.spawn());
    }
  }

  private release(instance: FunctionInstance): void {
    if (!instance.alive) this.instances.delete(instance);
    if (this.closed) return;
    // A dead instance's place is free: a waiting event gets a new instance when a start slot allows.
    if (!instance.alive) return this.scaleUp();
    const waiter = this.waiters.shift();
    if (waiter) return waiter.resolve(instance);
    const timer = setTimeout(() => {
      const at = this.idle.findIndex((entry) => entry.instance === instance);
      if (at >= 0) this.idle.splice(at, 1);
      this.instances.delete(instance);
      void instance.kill();
    }, this.options.idleMs);
    timer.unref();
    this.idle.push({ instance, timer });
  }

  private spawn(): FunctionInstance {
    this.coldStarts += 1;
    const spec = this.spec();
    const instance = new FunctionInstance(spec, `${spec.functionName}#${this.coldStarts}`);
    this.instances.add(instance);
    this.fresh.add(instance);
    this.starting += 1;
    const started = (): void => {
      this.starting -= 1;
      this.scaleUp();
    };
    instance.ready.then(started, started);
    return instance;
  }
}

const TIMED_OUT = Symbol('timed out');

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
