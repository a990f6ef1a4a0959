import type { WatchDocChange, WatchSnapshot } from '../../emulator/client/client';

/** One change in a watch snapshot (the local cloud client's shape: CloudBase's ISingleDBEvent). */
export type DocChange = WatchDocChange;
/** A watch snapshot (the local cloud client's shape: CloudBase's ISnapshot). */
export type Snapshot = WatchSnapshot;

interface Watchable {
  watch(options: { onChange: (s: Snapshot) => void; onError: (e: unknown) => void }): { close(): Promise<unknown> | void };
}

/** Records every snapshot of a watch and lets a test wait for a condition on them. */
export class WatchRecorder {
  readonly snapshots: Snapshot[] = [];
  readonly errors: unknown[] = [];
  private waiters: Array<() => void> = [];
  private readonly watcher: { close(): Promise<unknown> | void };

  constructor(query: Watchable) {
    this.watcher = query.watch({
      onChange: (s) => {
        this.snapshots.push(s);
        this.flush();
      },
      onError: (e) => {
        this.errors.push(e);
        this.flush();
      },
    });
  }

  /** The docs of the latest snapshot. */
  get docs(): Record<string, unknown>[] {
    const last = this.snapshots[this.snapshots.length - 1];
    // The vendor types `docs` as one record; it is the array of the result.
    return last ? (last.docs as Record<string, unknown>[]) : [];
  }

  /** Every change seen so far, in order. */
  get changes(): DocChange[] {
    return this.snapshots.flatMap((s) => s.docChanges);
  }

  /** Resolves when `predicate` holds (checked on each snapshot); rejects after `ms`. */
  until(predicate: (r: WatchRecorder) => boolean, ms = 10_000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`watch condition not met; last docs: ${JSON.stringify(this.docs)}`));
      }, ms);
      const check = (): void => {
        if (predicate(this)) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    await this.watcher.close();
  }

  private flush(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
