/**
 * A wx.cloud-shaped client of the local cloud for Node: what a mini program does with `wx.cloud`,
 * done over HTTP and one WebSocket as a simulated user (`openid`). The SDK takes a `WxCloudLike`,
 * so the demo and the tests hand it this client where a mini program hands it `wx.cloud`.
 */
import type { DbCommand } from '../cloudfunctions/jrtc/src/ports';
import { RECONNECT_GAVE_UP, WatchConnection } from './clientWatch';
import type { RealtimeListenerLike, WatchDoc, WatchFailure, WatchOptions } from './clientWatch';
import { localCommand } from './query';
import type { DbBody, WatchSpecWire } from './wire';
import { OPENID_HEADER } from './wire';

export { RECONNECT_GAVE_UP } from './clientWatch';
export type { RealtimeListenerLike, WatchDoc, WatchDocChange, WatchFailure, WatchOptions, WatchSnapshot } from './clientWatch';

/** What `callFunction` resolves with. `requestID` is optional because wx.cloud's typings omit it. */
export interface CallFunctionResult {
  result: unknown;
  errMsg: string;
  requestID?: string;
}

/** A query (immutable builder), as wx.cloud's `DB.Query`. */
export interface WxQueryLike {
  where(condition: Record<string, unknown>): WxQueryLike;
  orderBy(fieldPath: string, order: 'asc' | 'desc'): WxQueryLike;
  limit(max: number): WxQueryLike;
  skip(offset: number): WxQueryLike;
  get(): Promise<{ data: WatchDoc[]; errMsg: string }>;
  count(): Promise<{ total: number; errMsg: string }>;
  watch(options: WatchOptions): RealtimeListenerLike;
}

/** One document, as wx.cloud's `DB.DocumentReference`. */
export interface WxDocumentLike {
  get(): Promise<{ data: WatchDoc; errMsg: string }>;
  set(options: { data: Record<string, unknown> }): Promise<{ _id: string | number; stats: { updated: number; created: number }; errMsg: string }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number }; errMsg: string }>;
  remove(): Promise<{ stats: { removed: number }; errMsg: string }>;
  watch(options: WatchOptions): RealtimeListenerLike;
}

/** A collection, as wx.cloud's `DB.CollectionReference`. */
export interface WxCollectionLike extends WxQueryLike {
  doc(id: string): WxDocumentLike;
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number; errMsg: string }>;
}

/** The database, as wx.cloud's `DB.Database` (the part the SDK uses). */
export interface WxDatabaseLike {
  readonly command: DbCommand;
  collection(name: string): WxCollectionLike;
}

/** The structural subset of miniprogram-api-typings' `wx.cloud` that the SDK uses. */
export interface WxCloudLike {
  init(config?: { env?: string; traceUser?: boolean }): void;
  callFunction(params: { name: string; data?: Record<string, unknown> }): Promise<CallFunctionResult>;
  database(config?: { env?: string }): WxDatabaseLike;
}

/** The local cloud's client: a WxCloudLike plus a test hook. */
export interface CloudClient extends WxCloudLike {
  callFunction(params: { name: string; data?: Record<string, unknown> }): Promise<CallFunctionResult & { requestID: string }>;
  /** Closes the watch socket abruptly, as a network change would; watchers reconnect and resync. */
  dropConnections(): void;
  /**
   * Fails every current watch of this client outright, as the platform does when it gives up
   * reconnecting or the server closes a watch: the socket closes and each watcher's `onError` gets
   * `error` (an Error carrying `errCode` and `errMsg`; default RECONNECT_GAVE_UP). The watches are
   * then closed and deliver nothing more: a consumer must watch again (and gets a fresh init).
   */
  failWatches(error?: WatchFailure): void;
}

/** How a failed call rejects: wx.cloud's `{errCode, errMsg}`, as an Error so stacks survive. */
export class CloudCallError extends Error {
  constructor(readonly errCode: number, readonly errMsg: string) {
    super(errMsg);
    this.name = 'CloudCallError';
  }
}

/** Creates a client of the local cloud at `url` acting as WeChat user `openid`. */
export function createCloudClient(options: { url: string; openid: string }): CloudClient {
  const url = options.url.replace(/\/+$/, '');
  const watches = new WatchConnection(url, options.openid);
  const post = async <T>(route: string, body: unknown, api: string): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [OPENID_HEADER]: options.openid },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new CloudCallError(-1, `${api}:fail ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || json === null) {
      throw new CloudCallError(
        typeof json?.errCode === 'number' ? json.errCode : -1,
        typeof json?.errMsg === 'string' ? json.errMsg : `${api}:fail HTTP ${res.status}`,
      );
    }
    return json as T;
  };
  const db = (body: DbBody, api: string): Promise<Record<string, unknown>> =>
    post<Record<string, unknown>>('/v1/db', body, api).then((r) => ({ ...r, errMsg: `${api}:ok` }));

  const query = (collection: string, spec: Omit<WatchSpecWire, 'collection'>, skip?: number): WxCollectionLike => {
    const next = (patch: Partial<WatchSpecWire>, nextSkip = skip): WxCollectionLike => query(collection, { ...spec, ...patch }, nextSkip);
    const body = (op: DbBody['op']): DbBody => ({ op, collection, query: spec.query, orderBy: spec.orderBy, limit: spec.limit, skip });
    return {
      where: (condition) => next({ query: condition }),
      orderBy: (field, order) => next({ orderBy: [...(spec.orderBy ?? []), [field, order]] }),
      limit: (max) => next({ limit: max }),
      skip: (offset) => next({}, offset),
      get: () => db(body('get'), 'collection.get') as Promise<{ data: WatchDoc[]; errMsg: string }>,
      count: () => db({ op: 'count', collection, query: spec.query }, 'collection.count') as Promise<{ total: number; errMsg: string }>,
      watch: (watchOptions) => watches.watch({ collection, ...spec }, watchOptions),
      doc: (id) => documentRef(collection, id),
      add: (opts) => db({ op: 'add', collection, data: opts.data }, 'collection.add') as Promise<{ _id: string; errMsg: string }>,
    };
  };
  const documentRef = (collection: string, docId: string): WxDocumentLike => ({
    get: () => db({ op: 'get', collection, docId }, 'document.get') as Promise<{ data: WatchDoc; errMsg: string }>,
    set: (opts) =>
      db({ op: 'set', collection, docId, data: opts.data }, 'document.set') as Promise<{
        _id: string;
        stats: { updated: number; created: number };
        errMsg: string;
      }>,
    update: (opts) => db({ op: 'update', collection, docId, data: opts.data }, 'document.update') as Promise<{ stats: { updated: number }; errMsg: string }>,
    remove: () => db({ op: 'remove', collection, docId }, 'document.remove') as Promise<{ stats: { removed: number }; errMsg: string }>,
    watch: (watchOptions) => watches.watch({ collection, docId }, watchOptions),
  });

  return {
    init: () => undefined,
    async callFunction(params) {
      const res = await post<{ result: unknown; requestId: string }>(
        `/v1/functions/${encodeURIComponent(params.name)}`,
        { data: params.data ?? {} },
        'cloud.callFunction',
      );
      return { result: res.result, errMsg: 'cloud.callFunction:ok', requestID: res.requestId };
    },
    database: () => ({ command: localCommand, collection: (name) => query(name, {}) }),
    dropConnections: () => watches.drop(),
    failWatches: (error = RECONNECT_GAVE_UP) => watches.fail(error),
  };
}
