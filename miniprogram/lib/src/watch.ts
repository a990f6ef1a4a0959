import type { WatchHandlers, WatcherLike, WatchSnapshot } from './cloud';
import type { ReconnectPolicy } from './reconnect';
import type { Timers } from './timers';

/** What a resilient watch needs. */
export interface ResilientWatchOptions {
  /** Starts one platform watch (called again for every re-watch). */
  open(handlers: WatchHandlers): WatcherLike;
  policy: ReconnectPolicy;
  timers: Timers;
  /** Every snapshot of every watch, in order; each re-watch starts with a full (`init`) one. */
  onSnapshot(snapshot: WatchSnapshot): void;
  /** false when a watch failed and a retry is scheduled; true when a re-watch delivered its first snapshot. */
  onHealth(healthy: boolean, error?: unknown): void;
  /** The policy gave up: no more retries. */
  onGiveUp(error: unknown): void;
}

/** A watch that re-watches after errors. */
export interface ResilientWatch {
  /** Stops for good (closes the platform watch, cancels a pending retry). */
  close(): void;
}

function closeQuietly(watcher: WatcherLike | undefined): void {
  try {
    // close() may return a promise that rejects when the connection is already gone.
    Promise.resolve(watcher && watcher.close()).catch(() => undefined);
  } catch {
    // Closing a broken watch may throw; there is nothing left to clean up.
  }
}

/**
 * Keeps a watch alive: on error the broken watch is closed and, after the policy's delay, a new one is
 * opened. A re-watch right after close() can itself fail (-402002 on CloudBase); that is just another
 * error, retried with the next delay. Events of a replaced watch are ignored, so a late snapshot of an
 * old watch never overtakes the new one.
 */
export function resilientWatch(options: ResilientWatchOptions): ResilientWatch {
  const { policy, timers } = options;
  let watcher: WatcherLike | undefined;
  let generation = 0;
  let retries = 0;
  let failingSince = 0;
  let timer: unknown;
  let closed = false;

  const fail = (error: unknown): void => {
    generation++;
    closeQuietly(watcher);
    watcher = undefined;
    if (!retries) failingSince = timers.now();
    const delay = policy.nextRetryDelayInMs({ retryCount: retries, elapsedMs: timers.now() - failingSince, error });
    retries++;
    if (delay === null) {
      closed = true;
      options.onGiveUp(error);
      return;
    }
    options.onHealth(false, error);
    timer = timers.setTimeout(open, delay);
  };

  function open(): void {
    if (closed) return;
    const mine = ++generation;
    const live = (): boolean => !closed && mine === generation;
    try {
      const opened = options.open({
        onChange: (snapshot) => {
          if (!live()) return;
          if (retries) {
            retries = 0;
            options.onHealth(true);
          }
          options.onSnapshot(snapshot);
        },
        onError: (error) => {
          if (live()) fail(error);
        },
      });
      // The watch may have failed synchronously inside open(): then it is already replaced.
      if (live()) watcher = opened;
      else closeQuietly(opened);
    } catch (error) {
      if (live()) fail(error);
    }
  }

  open();
  return {
    close() {
      closed = true;
      timers.clearTimeout(timer);
      closeQuietly(watcher);
      watcher = undefined;
    },
  };
}
