/**
 * WS /v1/watch: one socket per client, carrying all of its watches (as CloudBase's realtime
 * client does). The caller's openid comes from the `x-wx-openid` header of the upgrade request
 * (or `?openid=`); every watch on the socket reads as that user, under the rules.
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { toStoreQuery } from '../database/translate';
import type { WatchHandle, WatchService } from './watch';
import { INVALID_PARAMETERS, OPENID_HEADER, clientMessage, describeIssues, openidSchema } from '../wire';
import type { ServerMessage } from '../wire';

/** A socket silent for this long (clients ping every 10 s) is dropped. */
const IDLE_LIMIT_MS = 35_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The watch endpoint; the HTTP server hands it the upgrade requests for /v1/watch. */
export class WatchSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly lastSeen = new Map<WebSocket, number>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly watch: WatchService) {
    this.wss.on('connection', (ws: WebSocket, openid: string) => this.serve(ws, openid));
  }

  /** Accepts an upgrade (the path was already checked); refuses a malformed openid. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const header = req.headers[OPENID_HEADER];
    const openid = openidSchema.safeParse(typeof header === 'string' ? header : (url.searchParams.get('openid') ?? ''));
    if (!openid.success) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.dropIdle(), 10_000);
      this.sweeper.unref();
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, openid.data));
  }

  /** The number of open sockets. */
  get connections(): number {
    return this.wss.clients.size;
  }

  /** Drops every socket (their watches close) and stops the idle sweeper. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private dropIdle(): void {
    const now = performance.now();
    for (const [ws, seen] of this.lastSeen) if (now - seen > IDLE_LIMIT_MS) ws.terminate();
  }

  private serve(ws: WebSocket, openid: string): void {
    const handles = new Map<string, WatchHandle>();
    const send = (message: ServerMessage): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    this.lastSeen.set(ws, performance.now());
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.lastSeen.delete(ws);
      for (const h of handles.values()) h.close();
      handles.clear();
    });
    ws.on('message', (raw: RawData) => {
      this.lastSeen.set(ws, performance.now());
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString());
      } catch {
        send({ type: 'error', error: { errCode: INVALID_PARAMETERS, errMsg: 'message is not JSON' } });
        return;
      }
      const msg = clientMessage.safeParse(parsed);
      if (!msg.success) {
        const watchId = (parsed as { watchId?: unknown } | null)?.watchId;
        send({
          type: 'error',
          ...(typeof watchId === 'string' ? { watchId } : {}),
          error: { errCode: INVALID_PARAMETERS, errMsg: `invalid message: ${describeIssues(msg.error)}` },
        });
        return;
      }
      const m = msg.data;
      if (m.type === 'ping') return send({ type: 'pong' });
      if (m.type === 'close') {
        handles.get(m.watchId)?.close();
        handles.delete(m.watchId);
        return send({ type: 'closed', watchId: m.watchId });
      }
      if (handles.has(m.watchId)) {
        return send({ type: 'error', watchId: m.watchId, error: { errCode: INVALID_PARAMETERS, errMsg: 'watchId already in use' } });
      }
      let query;
      try {
        query = toStoreQuery(m.spec.query ?? {});
      } catch (err) {
        return send({ type: 'error', watchId: m.watchId, error: { errCode: INVALID_PARAMETERS, errMsg: `invalid query: ${(err as Error).message}` } });
      }
      const { watchId } = m;
      const handle = this.watch.register(
        { collection: m.spec.collection, query, orderBy: m.spec.orderBy, limit: m.spec.limit, docId: m.spec.docId },
        {
          snapshot: (snapshot) => send({ type: 'snapshot', watchId, snapshot }),
          error: (error) => {
            handles.delete(watchId);
            send({ type: 'error', watchId, error });
          },
        },
        { openid },
      );
      handles.set(watchId, handle);
    });
  }
}
