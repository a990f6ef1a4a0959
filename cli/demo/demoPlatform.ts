/**
 * What the demo hands each SDK client as `cloud`: the local cloud's wx.cloud-shaped client, with a
 * count of calls in flight (so the demo knows when the room has gone quiet) and a kill switch that
 * freezes the client the way a killed app freezes: its watches go silent, its calls never return,
 * and it never says goodbye.
 */
import type { CloudLike, WatchableLike, WatcherLike } from '../../miniprogram/lib/src/index';
import type { CloudClient } from '../../emulator/client/client';

/** One demo user's platform. */
export interface DemoPlatform {
  /** Pass this as `cloud` to JRTCMiniappClient.init. */
  readonly cloud: CloudLike;
  /** Function calls sent and not yet answered. */
  readonly inFlight: number;
  /** Closes every watch without telling the SDK, and leaves every later call unanswered. */
  kill(): void;
}

const silent: WatcherLike = { close: () => undefined };

/** Wraps `inner` (a createCloudClient result). */
export function demoPlatform(inner: CloudClient): DemoPlatform {
  const open = new Set<WatcherLike>();
  let inFlight = 0;
  let dead = false;

  // The query itself underneath (orderBy, limit, get: reading call records), its watch tracked for kill().
  const watchable = (target: WatchableLike): WatchableLike => Object.assign(Object.create(target) as WatchableLike, {
    watch(handlers: Parameters<WatchableLike['watch']>[0]) {
      if (dead) return silent;
      const watcher = target.watch(handlers);
      open.add(watcher);
      return {
        close() {
          open.delete(watcher);
          return watcher.close();
        },
      };
    },
  });

  const cloud: CloudLike = {
    callFunction(options) {
      // A dead app's request never comes back; the SDK's own timers, killed too, never time it out.
      if (dead) return new Promise<never>(() => undefined);
      inFlight++;
      const call = inner.callFunction(options);
      const done = (): void => {
        inFlight--;
      };
      call.then(done, done);
      return call;
    },
    database() {
      const db = inner.database();
      return {
        command: db.command,
        collection(name) {
          const collection = db.collection(name);
          return { where: (query) => watchable(collection.where(query)), doc: (id) => watchable(collection.doc(id)) };
        },
      };
    },
  };

  return {
    cloud,
    get inFlight() {
      return inFlight;
    },
    kill() {
      dead = true;
      for (const watcher of open) void Promise.resolve(watcher.close()).catch(() => undefined);
      open.clear();
    },
  };
}
