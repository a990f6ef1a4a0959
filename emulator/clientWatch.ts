/**
 * The client side of WS /v1/watch: one socket per client shared by all its watchers, a ping every
 * 10 s, reconnection with backoff, and re-registration of every watcher after a reconnect. The
 * server answers a re-registration with a fresh init; the watcher diffs it against the documents
 * it holds and delivers only the difference as ordinary docChanges, so a consumer sees no
 * duplicate and misses nothing across a dropped connection.
 */
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { diffDocs, jsonEqual } from './store';
import type { ServerMessage, WatchSpecWire, WireDocChange } from './wire';
import { OPENID_HEADER } from './wire';

/** A document as a watcher holds it. */
export type WatchDoc = Record<string, unknown>;

/** One change of a snapshot (CloudBase's ISingleDBEvent). */
export type WatchDocChange = WireDocChange;

/** What `onChange` receives (CloudBase's ISnapshot). */
export interface WatchSnapshot {
  id: number;
  /** 'init' on the first snapshot only. */
  type?: 'init';
  docChanges: WatchDocChange[];
  docs: WatchDoc[];
}

/** The callbacks of `watch()`. */
export interface WatchOptions {
  onChange: (snapshot: WatchSnapshot) => void;
  onError: (error: unknown) => void;
}

/**
 * What a watcher's `onError` gets when the platform fails the watch outright (the client gave up
 * reconnecting, the server closed the watch): `{errCode, errMsg}` as the other watch errors carry it.
 * CloudBase's realtime client uses string codes here (`SDK_DATABASE_REALTIME_LISTENER_*`), the
 * server numeric ones, so both are allowed.
 */
export interface WatchFailure {
  errCode: number | string;
  errMsg: string;
}

/** The failure `failWatches()` delivers by default: the code @cloudbase/database's realtime client gives when reconnecting failed. */
export const RECONNECT_GAVE_UP: WatchFailure = {
  errCode: 'SDK_DATABASE_REALTIME_LISTENER_RECONNECT_WATCH_FAIL',
  errMsg: 'watch:fail the connection was lost and reconnecting gave up',
};

/** What `watch()` returns; close() resolves once the server has let go. */
export interface RealtimeListenerLike {
  close(): Promise<void>;
}

/** Reconnect delays, then the last one repeats. */
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];
const PING_INTERVAL_MS = 10_000;
const CLOSE_ACK_TIMEOUT_MS = 2_000;

interface Watcher {
  watchId: string;
  spec: WatchSpecWire;
  options: WatchOptions;
  /** id → doc in result order; null until the first init. */
  docs: Map<string, WatchDoc> | null;
  lastId: number;
}

/** The watch connection of one client. */
export class WatchConnection {
  private ws: WebSocket | null = null;
  private readonly watchers = new Map<string, Watcher>();
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  /** Pending close() calls, resolved by the server's `closed` (or by losing the socket). */
  private readonly acks = new Map<string, () => void>();

  constructor(
    private readonly url: string,
    private readonly openid: string,
  ) {}

  /** Starts a watch; the init snapshot arrives through `onChange`. */
  watch(spec: WatchSpecWire, options: WatchOptions): RealtimeListenerLike {
    const watcher: Watcher = { watchId: String(this.nextId++), spec, options, docs: null, lastId: 0 };
    this.watchers.set(watcher.watchId, watcher);
    if (this.ws?.readyState === WebSocket.OPEN) this.register(watcher);
    else this.connect();
    return { close: () => this.closeWatcher(watcher) };
  }

  /** Drops the socket abruptly (for tests of reconnection); watchers stay and re-register. */
  drop(): void {
    this.ws?.terminate();
  }

  /**
   * Fails every current watcher, as the platform does when it gives up on a watch: the socket goes
   * abruptly, each watcher gets `onError` once and is closed (it never re-registers, so it delivers
   * nothing more). A consumer that wants the data again must watch anew, and gets a fresh init.
   */
  fail(error: WatchFailure): void {
    const failed = [...this.watchers.values()];
    this.watchers.clear();
    // Pending close() calls need no ack from a socket that is going away.
    for (const ack of [...this.acks.values()]) ack();
    this.shutdown(true);
    // After the shutdown, so that a consumer re-watching from inside onError gets a new socket.
    for (const w of failed) w.options.onError(Object.assign(new Error(error.errMsg), { errCode: error.errCode, errMsg: error.errMsg }));
  }

  private connect(): void {
    if (this.ws || this.reconnectTimer || this.watchers.size === 0) return;
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/watch`, { headers: { [OPENID_HEADER]: this.openid } });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.startPing(ws);
      for (const w of this.watchers.values()) this.register(w);
    });
    ws.on('message', (raw: RawData) => this.onMessage(raw));
    ws.on('pong', () => undefined);
    ws.on('error', () => undefined); // 'close' follows and handles it
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      // Pending close() calls need no ack from a server that is gone.
      for (const ack of [...this.acks.values()]) ack();
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.watchers.size === 0 || this.reconnectTimer) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startPing(ws: WebSocket): void {
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => {
      // No pong since the last ping: the connection is dead even if TCP has not noticed.
      if (this.awaitingPong) return ws.terminate();
      this.awaitingPong = true;
      this.send({ type: 'ping' });
    }, PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private send(message: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private register(w: Watcher): void {
    this.send({ type: 'watch', watchId: w.watchId, spec: w.spec });
  }

  private async closeWatcher(w: Watcher): Promise<void> {
    if (!this.watchers.delete(w.watchId)) return;
    if (this.ws?.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.acks.delete(w.watchId);
          resolve();
        };
        const timer = setTimeout(done, CLOSE_ACK_TIMEOUT_MS);
        this.acks.set(w.watchId, done);
        this.send({ type: 'close', watchId: w.watchId });
      });
    }
    if (this.watchers.size === 0) this.shutdown();
  }

  /** No watcher left: close the socket (`abrupt`: without a closing handshake) so an idle client keeps nothing alive. */
  private shutdown(abrupt = false): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (abrupt) ws?.terminate();
    else ws?.close();
  }

  private onMessage(raw: RawData): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw.toString()) as ServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'pong') {
      this.awaitingPong = false;
      return;
    }
    if (msg.type === 'closed') {
      this.acks.get(msg.watchId)?.();
      return;
    }
    const w = msg.watchId === undefined ? undefined : this.watchers.get(msg.watchId);
    if (!w) return;
    if (msg.type === 'error') {
      this.watchers.delete(w.watchId);
      w.options.onError(Object.assign(new Error(msg.error.errMsg), msg.error));
      if (this.watchers.size === 0) this.shutdown();
      return;
    }
    const snap = msg.snapshot;
    if (snap.type === 'init') this.onInit(w, snap.id, snap.docChanges, snap.docs);
    else this.onChanges(w, snap.id, snap.docChanges);
  }

  private onInit(w: Watcher, id: number, changes: WireDocChange[], docs: WatchDoc[]): void {
    const fresh = new Map(docs.map((d) => [String(d._id), d]));
    if (!w.docs) {
      w.docs = fresh;
      w.lastId = id;
      this.deliver(w, { id, type: 'init', docChanges: changes, docs: [...fresh.values()] });
      return;
    }
    // A re-registration after a reconnect: deliver only what changed while we were away.
    const held = w.docs;
    const snapId = Math.max(id, w.lastId + 1);
    const diff: WatchDocChange[] = [];
    for (const [docId, doc] of held) {
      if (!fresh.has(docId)) diff.push({ id: snapId, queueType: 'dequeue', dataType: 'remove', docId, doc });
    }
    for (const [docId, doc] of fresh) {
      const before = held.get(docId);
      if (!before) diff.push({ id: snapId, queueType: 'enqueue', dataType: 'add', docId, doc });
      else if (!jsonEqual(before, doc)) {
        const { updatedFields, removedFields } = diffDocs(before, doc);
        diff.push({ id: snapId, queueType: 'update', dataType: 'update', docId, doc, updatedFields, removedFields });
      }
    }
    if (diff.length === 0) return;
    const next = new Map<string, WatchDoc>();
    for (const docId of held.keys()) if (fresh.has(docId)) next.set(docId, fresh.get(docId) as WatchDoc);
    for (const [docId, doc] of fresh) if (!next.has(docId)) next.set(docId, doc);
    w.docs = next;
    w.lastId = snapId;
    this.deliver(w, { id: snapId, docChanges: diff, docs: [...next.values()] });
  }

  private onChanges(w: Watcher, id: number, changes: WireDocChange[]): void {
    if (!w.docs) return;
    for (const c of changes) {
      if (c.queueType === 'dequeue') w.docs.delete(c.docId);
      else w.docs.set(c.docId, c.doc);
    }
    w.lastId = Math.max(id, w.lastId + 1);
    this.deliver(w, { id: w.lastId, docChanges: changes, docs: [...w.docs.values()] });
  }

  private deliver(w: Watcher, snapshot: WatchSnapshot): void {
    if (!this.watchers.has(w.watchId)) return;
    try {
      w.options.onChange(snapshot);
    } catch (err) {
      // A throwing consumer must not break the connection for the other watchers.
      w.options.onError(err);
    }
  }
}
