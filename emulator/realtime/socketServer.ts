/**
 * The realtime endpoint: WebSocket upgrades on REALTIME_PATH of the local cloud's port, where the
 * vendor client connects (the `wsUrl` that `auth.wsWebSign` hands out). Who the caller is comes
 * from the LOGIN message, not from the upgrade, as on CloudBase.
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { WatchService } from '../watch/watch';
import { RealtimeConnection } from './connection';
import type { RealtimeReply } from './protocol';
import type { QuerySession } from './querySession';
import type { LocalTokens } from './tokens';

/** The path of the endpoint (the vendor's default wsUrl, wss://tcb-ws.tencentcloudapi.com, has none either). */
export const REALTIME_PATH = '/';
/** A socket silent for this long is dropped (the vendor client pings every 10 s). */
const IDLE_LIMIT_MS = 35_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The realtime WebSocket server of one local cloud. */
export class RealtimeSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly queries = new Map<string, QuerySession>();
  private readonly lastSeen = new Map<WebSocket, number>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly watch: WatchService,
    private readonly tokens: LocalTokens,
  ) {
    this.wss.on('connection', (ws: WebSocket) => this.serve(ws));
  }

  /** Takes an upgrade request for REALTIME_PATH (the caller checked the path). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.dropIdle(), 10_000);
      this.sweeper.unref();
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws));
  }

  /** Open sockets and live queries (including those waiting for their client to reconnect). */
  getInfo(): { sockets: number; queries: number } {
    return { sockets: this.wss.clients.size, queries: this.queries.size };
  }

  /** Drops every socket and ends every query. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const ws of this.wss.clients) ws.terminate();
    for (const q of [...this.queries.values()]) q.end();
    this.wss.close();
  }

  private dropIdle(): void {
    const now = performance.now();
    for (const [ws, seen] of this.lastSeen) if (now - seen > IDLE_LIMIT_MS) ws.terminate();
  }

  private serve(ws: WebSocket): void {
    const send = (reply: RealtimeReply): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply));
    };
    const connection = new RealtimeConnection({ watch: this.watch, tokens: this.tokens, queries: this.queries }, send);
    this.lastSeen.set(ws, performance.now());
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.lastSeen.delete(ws);
      connection.closed();
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      this.lastSeen.set(ws, performance.now());
      connection.receive(isBinary ? '' : raw.toString());
    });
  }
}
