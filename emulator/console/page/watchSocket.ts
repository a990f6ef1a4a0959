/**
 * The console's end of WS /v1/watch, in the browser: the messages of emulator/wire.ts, which the
 * SDK's client (emulator/clientWatch.ts) speaks too, over the browser's WebSocket. That client is
 * built on the `ws` package and the store's diff helpers, which do not run in a page; the console
 * needs less of it: it re-renders the whole result on every change, so after a reconnect the fresh
 * `init` simply replaces what it held.
 *
 * A browser cannot set the `x-wx-openid` header on a WebSocket, so the identity travels as
 * `?openid=` (watchSocket.ts on the server accepts both).
 */
import type { ClientMessage, ServerMessage, WatchSpecWire, WireDocChange } from '../../wire';

/** A document as a watch delivers it. */
export type WatchedDoc = Record<string, unknown>;

/** The socket's state, for the page's status badge. */
export type SocketState = 'connecting' | 'open' | 'reconnecting';

/** What a live query calls back with. */
export interface LiveQueryHandlers {
  /** The whole current result, in the server's order: after the init and after every change. */
  onDocs(docs: WatchedDoc[]): void;
  /** The server refused or ended the watch (it is closed then). */
  onError(message: string): void;
}

/** A registered query. */
export interface LiveQuery {
  /** Stops it (idempotent). */
  close(): void;
}

interface Query {
  spec: WatchSpecWire;
  handlers: LiveQueryHandlers;
  /** id → doc in arrival order; null until the first init. */
  docs: Map<string, WatchedDoc> | null;
}

/** Reconnect delays; the last one repeats. */
const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** The server drops a socket silent for 35 s; the SDK's client pings every 10 s, and so do we. */
const PING_INTERVAL_MS = 10_000;

/** One watch socket carrying every query of the page. */
export class WatchSocket {
  private ws: WebSocket | null = null;
  private readonly queries = new Map<string, Query>();
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: number | undefined;
  private pingTimer: number | undefined;
  private awaitingPong = false;

  /**
   * `origin` is the local cloud's http(s) origin; `openid` the identity the rules read as;
   * `onState` hears every change of the socket's state.
   */
  constructor(
    private readonly origin: string,
    private readonly openid: string,
    private readonly onState: (state: SocketState) => void,
  ) {}

  /** Starts a query; its first result arrives through `handlers.onDocs`. */
  watch(spec: WatchSpecWire, handlers: LiveQueryHandlers): LiveQuery {
    const watchId = `console-${this.nextId++}`;
    const query: Query = { spec, handlers, docs: null };
    this.queries.set(watchId, query);
    if (this.ws?.readyState === WebSocket.OPEN) this.send({ type: 'watch', watchId, spec });
    else this.connect();
    return {
      close: () => {
        if (this.queries.delete(watchId)) this.send({ type: 'close', watchId });
      },
    };
  }

  private connect(): void {
    if (this.ws || this.reconnectTimer !== undefined) return;
    const url = `${this.origin.replace(/^http/, 'ws')}/v1/watch?openid=${encodeURIComponent(this.openid)}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    ws.onopen = () => {
      this.attempt = 0;
      this.onState('open');
      this.startPing();
      for (const [watchId, q] of this.queries) this.send({ type: 'watch', watchId, spec: q.spec });
    };
    ws.onmessage = (event: MessageEvent) => this.onMessage(event.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      this.onState('reconnecting');
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      this.reconnectTimer = window.setTimeout(() => {
        this.reconnectTimer = undefined;
        this.connect();
      }, delay);
    };
  }

  private startPing(): void {
    this.awaitingPong = false;
    this.pingTimer = window.setInterval(() => {
      // No pong since the last ping: the connection is dead even if the browser has not noticed.
      if (this.awaitingPong) return this.ws?.close();
      this.awaitingPong = true;
      this.send({ type: 'ping' });
    }, PING_INTERVAL_MS);
  }

  private stopPing(): void {
    window.clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private onMessage(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'pong') {
      this.awaitingPong = false;
      return;
    }
    if (msg.type === 'closed' || msg.watchId === undefined) return;
    const query = this.queries.get(msg.watchId);
    if (!query) return;
    if (msg.type === 'error') {
      this.queries.delete(msg.watchId);
      query.handlers.onError(msg.error.errMsg);
      return;
    }
    const snapshot = msg.snapshot;
    if (snapshot.type === 'init') {
      query.docs = new Map(snapshot.docs.map((d) => [String(d._id), d]));
    } else if (query.docs) {
      applyChanges(query.docs, snapshot.docChanges);
    } else {
      return; // a change before any init cannot be applied; the init is on its way
    }
    query.handlers.onDocs([...query.docs.values()]);
  }
}

/** Applies CloudBase docChanges to the documents a query holds. */
function applyChanges(docs: Map<string, WatchedDoc>, changes: readonly WireDocChange[]): void {
  for (const c of changes) {
    if (c.queueType === 'dequeue') docs.delete(c.docId);
    else docs.set(c.docId, c.doc);
  }
}
