import type { ActionName, ActionRequest, ActionResponse } from '../../../shared/actions';
import { JRTCError } from './errors';
import type { Timers } from './timers';

/** One change in a watch snapshot (the fields of CloudBase's `DB.ISingleDBEvent` the SDK reads). */
export interface WatchChange {
  /** init | update | enqueue | dequeue: how the doc moved relative to the query's result set. */
  queueType: string;
  /** init | update | replace | add | remove: what happened to the doc itself. */
  dataType: string;
  docId: string;
  doc?: Record<string, unknown>;
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
}

/** A watch snapshot (the fields of CloudBase's `DB.ISnapshot` the SDK reads). */
export interface WatchSnapshot {
  /** 'init' on the first snapshot of a watch when it is empty (read it through `isInit`). */
  type?: string;
  docChanges: WatchChange[];
  /**
   * The whole result set after this snapshot: an array at run time, but miniprogram-api-typings
   * declares it `Record<string, any>`, so the type admits both (read it through `docsOf`).
   */
  docs: Record<string, unknown>[] | Record<string, unknown>;
}

/** A snapshot's documents as the array they are. */
export function docsOf(snapshot: WatchSnapshot): Record<string, unknown>[] {
  return Array.isArray(snapshot.docs) ? snapshot.docs : [];
}

/**
 * True for a watch's first, full snapshot. CloudBase's realtime client marks only an empty one
 * `type: 'init'`; a non-empty one comes without `type`, its changes all `queueType: 'init'`.
 */
export function isInit(snapshot: WatchSnapshot): boolean {
  const first = snapshot.docChanges[0];
  return snapshot.type === 'init' || (!!first && first.queueType === 'init');
}

/** A running watch. */
export interface WatcherLike {
  close(): unknown;
}

/** What `watch()` is given. */
export interface WatchHandlers {
  onChange(snapshot: WatchSnapshot): void;
  onError(error: unknown): void;
}

/** A query or document that can be watched. */
export interface WatchableLike {
  watch(handlers: WatchHandlers): WatcherLike;
}

/** The part of `wx.cloud.database()` the SDK uses. */
export interface DatabaseLike {
  collection(name: string): {
    where(query: Record<string, unknown>): WatchableLike;
    doc(id: string): WatchableLike;
  };
}

/**
 * The part of `wx.cloud` the SDK uses. The global `wx.cloud` satisfies it, and so does the local
 * cloud's client (emulator/client/client.ts) in tests and the terminal demo.
 */
export interface CloudLike {
  callFunction(options: { name: string; data: Record<string, unknown> }): Promise<{ result?: unknown }>;
  database(): DatabaseLike;
}

/** The cloud function every action goes to. */
export const FUNCTION_NAME = 'jrtc';

/**
 * Calls one action and unwraps the reply envelope: resolves with `data`, rejects with a JRTCError
 * (the server's code, NETWORK when the call or its reply failed, TIMEOUT after `timeoutMs`).
 */
export function callAction<A extends ActionName>(
  cloud: CloudLike,
  timers: Timers,
  timeoutMs: number,
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  return new Promise((resolve, reject) => {
    const timer = timers.setTimeout(() => reject(JRTCError.timeout(`${action} timed out`)), timeoutMs);
    const settle = (fn: () => void): void => {
      timers.clearTimeout(timer);
      fn();
    };
    let call: Promise<{ result?: unknown }>;
    try {
      call = Promise.resolve(cloud.callFunction({ name: FUNCTION_NAME, data: Object.assign({ action }, payload) }));
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (res) => {
        const reply = (res && res.result) as { ok?: unknown; data?: unknown; error?: unknown } | undefined;
        settle(() => {
          if (reply && reply.ok === true) resolve(reply.data as ActionResponse<A>);
          else if (reply && reply.ok === false) reject(JRTCError.fromServer(reply.error));
          else reject(JRTCError.from({ errMsg: `${action}: unreadable reply` }));
        });
      },
      (err) => settle(() => reject(JRTCError.from(err))),
    );
  });
}
