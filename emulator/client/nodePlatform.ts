/**
 * The platform the vendor client runs on, for Node: what @cloudbase/adapter-wx_mp gives it over
 * `wx` (a request class and a socket class), given over `fetch` and the `ws` package instead, and
 * pointed at a local cloud. The request class posts each `send(action, params)` to the local
 * cloud's /web endpoint with the user's access token, and rejects as wx.cloud does, with
 * `{errCode, errMsg}`; the socket class is wx's SocketTask shape over a `ws` WebSocket.
 */
import { WebSocket, type RawData } from 'ws';

/** How a failed call rejects: wx.cloud's `{errCode, errMsg}`, as an Error so stacks survive. */
export class CloudCallError extends Error {
  constructor(readonly errCode: number, readonly errMsg: string) {
    super(errMsg);
    this.name = 'CloudCallError';
  }
}

/** POSTs JSON to the local cloud and returns the JSON answer; any failure rejects with a CloudCallError. */
export async function postJson<T>(url: string, body: unknown, headers: Record<string, string>, api: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  } catch (err) {
    // undici says only "fetch failed"; the reason (ECONNRESET, other side closed, ...) is its cause.
    const cause = (err as Error & { cause?: unknown }).cause;
    const why = cause instanceof Error ? ` (${(cause as NodeJS.ErrnoException).code ?? cause.message})` : '';
    throw new CloudCallError(-1, `${api}:fail ${(err as Error).message}${why}`);
  }
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || json === null) {
    throw new CloudCallError(
      typeof json?.errCode === 'number' ? json.errCode : -1,
      typeof json?.errMsg === 'string' ? json.errMsg : `${api}:fail HTTP ${res.status}`,
    );
  }
  return json as T;
}

/** The socket events the vendor client listens to (wx's SocketTask callbacks, DOM-named). */
type SocketHandler = (event: unknown) => void;

/** The vendor's `Db.wsClass` contract: constructed with a URL, DOM-style handler properties. */
export interface VendorSocket {
  onopen: SocketHandler | null;
  onmessage: SocketHandler | null;
  onclose: SocketHandler | null;
  onerror: SocketHandler | null;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** One socket of a phone; `failOnOpen` when fail() came while it was still connecting. */
interface SocketEntry {
  ws: WebSocket;
  socket: VendorSocket;
  failOnOpen: boolean;
}

/** The close code CloudBase's server uses when it ends a socket's authentication (ws-event.ts). */
const SERVER_CLOSE_NO_AUTHENTICATION = 3050;

/** One phone's network: its sockets (so tests can drop or fail them) and its requests. */
export class NodePlatform {
  private readonly sockets = new Set<SocketEntry>();
  private token: Promise<string> | null = null;
  /** A socket was lost and the vendor client has not dialled again yet (it first fetches a ticket). */
  private reconnecting = false;
  /** fail() came while reconnecting: the next socket fails as soon as it opens. */
  private failOnOpen = false;

  constructor(
    /** The local cloud, `http://127.0.0.1:<port>`. */
    private readonly url: string,
    /** The simulated WeChat user. */
    private readonly openid: string,
  ) {}

  /** A `Db.reqClass` for this phone: `new (config)`, then `send(action, params)`. */
  requestClass(): new (config: unknown) => { send(action: string, params: Record<string, unknown>): Promise<unknown> } {
    const platform = this;
    return class NodeRequest {
      send(action: string, params: Record<string, unknown>): Promise<unknown> {
        return platform.request(action, params);
      }
    };
  }

  /** A `Db.wsClass` for this phone. */
  socketClass(): new (url: string) => VendorSocket {
    const platform = this;
    return function NodeSocket(url: string): VendorSocket {
      return platform.connect(url);
    } as unknown as new (url: string) => VendorSocket;
  }

  /** One request to /web as this user (the access token is fetched once, as a login would). */
  async request(action: string, params: Record<string, unknown>): Promise<unknown> {
    this.token ??= postJson<{ data: { accessToken: string } }>(`${this.url}/web`, { action: 'auth.localUserToken', openid: this.openid }, {}, 'auth').then(
      (r) => r.data.accessToken,
      (err: unknown) => {
        this.token = null;
        throw err;
      },
    );
    const token = await this.token;
    return postJson(`${this.url}/web`, { ...params, action }, { authorization: `Bearer ${token}` }, action);
  }

  /** Drops every socket abruptly, as a network change does: the vendor client reconnects and rebuilds its watches. */
  drop(): void {
    for (const { ws } of this.sockets) ws.terminate();
  }

  /**
   * Ends every socket as CloudBase's server does when it revokes the login (close code 3050): the
   * vendor client does not reconnect but fails each of its watches (onError); new watches start over.
   */
  fail(): void {
    // Between a lost socket and the next one there is no socket to end: end that next one.
    if (this.sockets.size === 0 && this.reconnecting) this.failOnOpen = true;
    for (const entry of [...this.sockets]) {
      // A server can only end a socket it has accepted: one still connecting is ended once open.
      if (entry.ws.readyState === WebSocket.CONNECTING) entry.failOnOpen = true;
      else this.failSocket(entry);
    }
  }

  private failSocket(entry: SocketEntry): void {
    this.sockets.delete(entry);
    entry.ws.removeAllListeners();
    entry.ws.on('error', () => undefined);
    entry.ws.terminate();
    entry.socket.onclose?.({ code: SERVER_CLOSE_NO_AUTHENTICATION, reason: 'the local cloud failed the watches (test)' });
  }

  private connect(url: string): VendorSocket {
    if (!/^wss?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(url)) {
      // Nothing here may reach a real endpoint: only the loopback local cloud is dialled.
      throw new Error(`refusing to connect to ${url}: not a loopback address`);
    }
    // One message per macrotask, as wx delivers them: the vendor client sets a watch active only
    // after its INIT_EVENT was handled, and drops an event arriving in the same tick.
    const ws = new WebSocket(url, { allowSynchronousEvents: false });
    const socket: VendorSocket = {
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      get readyState() {
        return ws.readyState;
      },
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
    };
    const entry: SocketEntry = { ws, socket, failOnOpen: this.failOnOpen };
    this.sockets.add(entry);
    this.reconnecting = false;
    this.failOnOpen = false;
    ws.on('open', () => {
      socket.onopen?.({});
      if (entry.failOnOpen) this.failSocket(entry);
    });
    ws.on('message', (data: RawData) => socket.onmessage?.({ data: data.toString() }));
    ws.on('error', (err) => socket.onerror?.(err));
    ws.on('close', (code, reason) => {
      this.sockets.delete(entry);
      // 3000/3001: the client closed it itself (to reconnect at once, or having no watch left).
      this.reconnecting = code !== 3000 && code !== 3001;
      socket.onclose?.({ code, reason: reason.toString() });
    });
    return socket;
  }
}
