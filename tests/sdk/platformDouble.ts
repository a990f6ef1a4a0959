/**
 * A wrapper around the local cloud's platform client (not around SDK code) that can misbehave the way
 * wx.cloud does: break every watch at once, refuse re-watches (-402002, as CloudBase does right after
 * close()) until released, and count the function calls that reach the cloud.
 */
import type { CloudClient } from '../../emulator/client/client';
import type { CloudLike, WatchableLike, WatchHandlers, WatcherLike } from '../../miniprogram/lib/src/index';

interface LiveWatch {
  handlers: WatchHandlers;
  inner: WatcherLike;
}

/** The double and its controls. */
export interface PlatformDouble {
  cloud: CloudLike;
  /** Actions called so far, in order. */
  readonly actions: string[];
  /** Fails every open watch (onError) and refuses re-watches until `release()`. */
  breakWatches(): void;
  /** Lets re-watches through again. */
  release(): void;
  /** How many re-watches were refused. */
  readonly refused: number;
  /** Function calls sent and not yet answered. */
  readonly inFlight: number;
}

/** Wraps `inner` (a createCloudClient result). */
export function platformDouble(inner: CloudClient): PlatformDouble {
  const live = new Set<LiveWatch>();
  const actions: string[] = [];
  let held = false;
  let refused = 0;
  let inFlight = 0;

  const watchable = (target: WatchableLike): WatchableLike => ({
    watch(handlers) {
      if (held) {
        refused++;
        setTimeout(() => handlers.onError({ errCode: -402002, errMsg: 'watch: re-watched too soon after close' }), 5);
        return { close: () => Promise.resolve() };
      }
      const entry: LiveWatch = {
        handlers,
        inner: target.watch({
          onChange: (snapshot) => handlers.onChange(snapshot),
          onError: (error) => {
            live.delete(entry);
            handlers.onError(error);
          },
        }),
      };
      live.add(entry);
      return {
        close: () => {
          live.delete(entry);
          return entry.inner.close();
        },
      };
    },
  });

  const cloud: CloudLike = {
    callFunction(options) {
      actions.push(String(options.data.action));
      inFlight++;
      const done = (): void => {
        inFlight--;
      };
      const call = inner.callFunction(options);
      call.then(done, done);
      return call;
    },
    database() {
      const db = inner.database();
      return {
        collection(name) {
          const collection = db.collection(name);
          return {
            where: (query) => watchable(collection.where(query)),
            doc: (id) => watchable(collection.doc(id)),
          };
        },
      };
    },
  };

  return {
    cloud,
    actions,
    breakWatches() {
      held = true;
      for (const entry of [...live]) {
        live.delete(entry);
        void Promise.resolve(entry.inner.close()).catch(() => undefined);
        entry.handlers.onError({ errCode: -1, errMsg: 'watch: network changed' });
      }
    },
    release() {
      held = false;
    },
    get refused() {
      return refused;
    },
    get inFlight() {
      return inFlight;
    },
  };
}
