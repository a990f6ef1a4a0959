/**
 * A tiny FIFO lock. Each `run` waits for every earlier `run` to settle, so the critical sections
 * execute one at a time, in call order. The store uses one to serialise all writes and
 * transactions: a single Node process needs no more than that to make commits totally ordered.
 * An uncontended `run` starts its section at once (no promise of its own is awaited first):
 * every write of the local cloud passes here, and most find the lock free.
 */
export class Mutex {
  /** Wakes the sections queued behind the running one, in call order. */
  private readonly waiting: Array<() => void> = [];
  private busy = false;

  /**
   * Runs `fn` once every earlier critical section has finished, and resolves or rejects with
   * its outcome. A failing `fn` releases the lock like a succeeding one.
   */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await fn();
    } finally {
      // Hand the lock straight to the next section (it stays busy), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }

  /** True while a critical section runs or waits. */
  get locked(): boolean {
    return this.busy;
  }
}
