/**
 * What the local cloud serves to the vendor client, in one object for the HTTP server to route
 * to: the realtime WebSocket endpoint and the /web request endpoint, sharing one token issuer.
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import type { ClientDatabase } from '../database/clientDatabase';
import type { WatchService } from '../watch/watch';
import { REALTIME_PATH, RealtimeSocketServer } from './socketServer';
import { LocalTokens } from './tokens';
import { WEB_API_PATH, WebApi } from '../database/webApi';

export { REALTIME_PATH } from './socketServer';
export { WEB_API_PATH, WebApiError } from '../database/webApi';

/** What the gateway is built from. */
export interface RealtimeGatewayOptions {
  watch: WatchService;
  clientDb: ClientDatabase;
  /** The local cloud's http:// URL (known once its server listens). */
  url: () => string;
  /** The local cloud's time (EmulatorClock.now), for `db.serverDate()` in client writes. */
  now: () => number;
}

/** The vendor client's two endpoints on the local cloud's port. */
export class RealtimeGateway {
  private readonly tokens = new LocalTokens();
  private readonly sockets: RealtimeSocketServer;
  private readonly api: WebApi;

  constructor(options: RealtimeGatewayOptions) {
    this.sockets = new RealtimeSocketServer(options.watch, this.tokens);
    this.api = new WebApi(options.clientDb, this.tokens, () => `${options.url().replace(/^http/, 'ws')}${REALTIME_PATH}`, { now: options.now });
  }

  /** True for the path of a WebSocket upgrade the gateway takes. */
  takesUpgrade(pathname: string): boolean {
    return pathname === REALTIME_PATH;
  }

  /** True for the path of an HTTP request the gateway answers. */
  takesRequest(pathname: string): boolean {
    return pathname === WEB_API_PATH;
  }

  /** Accepts a realtime upgrade. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.sockets.handleUpgrade(req, socket, head);
  }

  /** Answers one /web request (body already parsed); throws what the server maps to an error answer. */
  handleRequest(body: unknown, authorization: string | undefined): Promise<unknown> {
    return this.api.handle(body, authorization);
  }

  /** Open realtime sockets and queries. */
  getInfo(): { sockets: number; queries: number } {
    return this.sockets.getInfo();
  }

  /** Drops every realtime socket and query. */
  close(): void {
    this.sockets.close();
  }
}
