/**
 * The console's watches, in the browser, through the vendor's own client (@cloudbase/database, as
 * `wx.cloud.database()` is in a mini program) and the local cloud's vendor endpoints: POST /web for
 * requests (a local access token, then `auth.wsWebSign` for the realtime ticket) and the realtime
 * socket for watches. The page is one more client under the database rules, which let any client
 * read rooms and members; there is no private protocol for it.
 *
 * The browser's WebSocket already has the DOM-style handlers the vendor's `Db.wsClass` expects.
 * A watch the vendor client gives up on (onError: it closes the watch) is started again after a
 * backoff; a dropped socket the vendor client reconnects and rebuilds by itself.
 */
import { Db } from '@cloudbase/database';

/** A document as a watch delivers it. */
export type WatchedDoc = Record<string, unknown>;

/** The state of the page's watches, for its status badge. */
export type WatchState = 'connecting' | 'open' | 'reconnecting';

/** What a live query calls back with. */
export interface LiveQueryHandlers {
  /** The whole current result, in the query's order: after the first snapshot and after every change. */
  onDocs(docs: WatchedDoc[]): void;
  /** The watch failed; it is started again after a backoff. */
  onError(message: string): void;
}

/** A running query. */
export interface LiveQuery {
  /** Stops it (idempotent). */
  close(): void;
}

/**
 * What a query watches: a collection, an equality condition and a limit. No order: the vendor
 * client's `Query.watch` (@cloudbase/database 1.4.3, query.js) calls `order.reduce` on the object
 * `orderBy` builds and throws, so a watch cannot be ordered; the page sorts what it gets.
 */
export interface QuerySpec {
  collection: string;
  where?: Record<string, unknown>;
  limit: number;
}

/** Restart delays after a failed watch; the last one repeats. */
const BACKOFF_MS = [250, 500, 1000, 2000, 5000];

/** Fetches a JSON answer; rejects with the errMsg of a refusal. */
export async function fetchJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || json === null) throw new Error(typeof json?.errMsg === 'string' ? json.errMsg : `HTTP ${res.status}`);
  return json;
}

/** POSTs to /web. */
function post(origin: string, body: Record<string, unknown>, token?: string): Promise<Record<string, unknown>> {
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return fetchJson(`${origin}/web`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** The vendor client of one page, reading as `openid`. */
export class ConsoleDatabase {
  private readonly db: Db;
  private token: Promise<string> | null = null;
  private readonly states = new Map<number, WatchState>();
  private nextId = 1;

  constructor(
    private readonly origin: string,
    private readonly openid: string,
    private readonly onState: (state: WatchState) => void,
  ) {
    const self = this;
    // Configured as @cloudbase/app configures it for a platform: a request class and a socket class.
    Db.reqClass = class BrowserRequest {
      send(action: string, params: Record<string, unknown>): Promise<unknown> {
        return self.request(action, params);
      }
    };
    Db.wsClass = WebSocket;
    Db.runtime = 'web';
    Db.dataVersion = '2020-01-10';
    this.db = new Db({ env: 'local' });
  }

  /** Starts a live query; it restarts itself after a failure until closed. */
  watch(spec: QuerySpec, handlers: LiveQueryHandlers): LiveQuery {
    const id = this.nextId++;
    let closed = false;
    let attempt = 0;
    let watcher: { close(): void } | null = null;
    let retry: number | undefined;
    const start = (): void => {
      this.setState(id, attempt === 0 ? 'connecting' : 'reconnecting');
      const query = this.db.collection(spec.collection).where(spec.where ?? {}).limit(spec.limit);
      watcher = query.watch({
        onChange: (snapshot) => {
          if (closed) return;
          attempt = 0;
          this.setState(id, 'open');
          // The vendor's typings say Record; its snapshots carry the result as an array.
          handlers.onDocs([...(snapshot.docs as unknown as WatchedDoc[])]);
        },
        onError: (err: unknown) => {
          if (closed) return;
          handlers.onError(err instanceof Error ? err.message : String((err as { errMsg?: unknown })?.errMsg ?? err));
          this.setState(id, 'reconnecting');
          retry = window.setTimeout(start, BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]);
        },
      });
    };
    start();
    return {
      close: () => {
        if (closed) return;
        closed = true;
        window.clearTimeout(retry);
        this.states.delete(id);
        watcher?.close();
      },
    };
  }

  private request(action: string, params: Record<string, unknown>): Promise<unknown> {
    this.token ??= post(this.origin, { action: 'auth.localUserToken', openid: this.openid }).then(
      (r) => String((r.data as { accessToken?: unknown } | undefined)?.accessToken ?? ''),
      (err: unknown) => {
        this.token = null;
        throw err;
      },
    );
    return this.token.then((token) => post(this.origin, { ...params, action }, token));
  }

  /** The badge shows the worst state of the running watches. */
  private setState(id: number, state: WatchState): void {
    this.states.set(id, state);
    const all = [...this.states.values()];
    this.onState(all.includes('reconnecting') ? 'reconnecting' : all.includes('connecting') ? 'connecting' : 'open');
  }
}
