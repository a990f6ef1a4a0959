/**
 * A tiny promise-chain lock. Each `run` waits for every earlier `run` to settle, so the critical
 * sections execute one at a time, in call order. The store uses one to serialise all writes and
 * transactions: a single Node process needs no more than that to make commits totally ordered.
 */
export class Mutex {
  /** Settles when the last queued critical section has finished (never rejects). */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /**
   * Runs `fn` once every earlier critical section has finished, and resolves or rejects with
   * its outcome. A failing `fn` releases the lock like a succeeding one.
   */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.pending += 1;
    try {
      await previous;
      return await fn();
    } finally {
      this.pending -= 1;
      release();
    }
  }

  /** True while a critical section runs or waits. */
  get locked(): boolean {
    return this.pending > 0;
  }
}
