/**
 * What the local cloud serves to the vendor client (wx.cloud's database, @cloudbase/js-sdk): the
 * /web request endpoint and the realtime WebSocket endpoint, sharing one token issuer.
 *
 * The realtime endpoint takes WebSocket upgrades on REALTIME_PATH of the local cloud's port, where
 * the vendor client connects (the `wsUrl` that `auth.wsWebSign` hands out). Who the caller is comes
 * from the LOGIN message, not from the upgrade, as on CloudBase.
 */
import crypto from 'crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ClientDatabase } from '../database/clientDatabase';
import { expectMethod, readJson, sendJson } from '../httpKit';
import type { EmulatorService, HttpRoute, Registry, UpgradeRoute } from '../service';
import type { WatchService } from '../watch/watch';
import { RealtimeConnection } from './connection';
import type { RealtimeReply } from './protocol';
import type { QuerySession } from './querySession';
import { WEB_API_PATH, WebApi } from '../database/webApi';
import { parseJson } from '../store/docData';
import { z } from 'zod';

/** The path of the realtime endpoint (the vendor's default wsUrl, wss://tcb-ws.tencentcloudapi.com, has none either). */
export const REALTIME_PATH = '/';
/** A socket silent for this long is dropped (the vendor client pings every 10 s). */
const IDLE_LIMIT_MS = 35_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** What the gateway is built from. */
export interface RealtimeGatewayOptions {
  watch: WatchService;
  clientDb: ClientDatabase;
  /** The local cloud's time (EmulatorClock.now), for `db.serverDate()` in client writes. */
  now: () => number;
}

/** The vendor client's two endpoints on the local cloud's port. */
export class RealtimeGateway implements EmulatorService {
  readonly name = 'realtime';
  private readonly tokens = new LocalTokens();
  private readonly api: WebApi;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  /** Live queries by queryID, across sockets (REBUILD_WATCH may come on a new one). */
  private readonly queries = new Map<string, QuerySession>();
  /** The realtime socket's ws:// URL, handed out by `auth.wsWebSign` (set by connect()). */
  private wsUrl = '';

  /** POST /web — the vendor client's requests. */
  readonly routes: readonly HttpRoute[] = [
    {
      path: WEB_API_PATH,
      handle: async (req, res) => {
        expectMethod(req, 'POST');
        sendJson(res, 200, await this.api.handle(await readJson(req), req.headers.authorization));
      },
    },
  ];

  /** The realtime socket. */
  readonly upgrades: readonly UpgradeRoute[] = [
    { path: REALTIME_PATH, handle: (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws)) },
  ];

  constructor(private readonly options: RealtimeGatewayOptions) {
    this.api = new WebApi(options.clientDb, this.tokens, () => this.wsUrl, { now: options.now });
  }

  /** Learns the cloud's URL, which `auth.wsWebSign` hands out as the realtime endpoint. */
  connect(registry: Registry): void {
    this.wsUrl = `${registry.url.replace(/^http/, 'ws')}${REALTIME_PATH}`;
  }

  /** Open realtime sockets and live queries (including those waiting for their client to reconnect). */
  getInfo(): Record<string, unknown> {
    return { sockets: this.wss.clients.size, queries: this.queries.size };
  }

  /** Drops every realtime socket and ends every query. */
  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const q of [...this.queries.values()]) q.end();
    this.wss.close();
  }

  private serve(ws: WebSocket): void {
    const send = (reply: RealtimeReply): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply));
    };
    const connection = new RealtimeConnection({ watch: this.options.watch, tokens: this.tokens, queries: this.queries }, send);
    const idle = setTimeout(() => ws.terminate(), IDLE_LIMIT_MS).unref();
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(idle);
      connection.closed();
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      idle.refresh();
      connection.receive(isBinary ? '' : raw.toString());
    });
  }
}

/** What a token is for: an access token (requests) or a realtime ticket (LOGIN's signStr). */
export type TokenAudience = 'access' | 'ws';

const claims = z.object({ aud: z.enum(['access', 'ws']), sub: z.string().max(128) }).strict();

/**
 * Issues and checks tokens for one local cloud. A mini program proves who it is to CloudBase
 * with WeChat's login; the local cloud has no WeChat, so a test user asks it for a token naming
 * the openid it simulates (as it names it in the x-wx-openid header of other routes), and the
 * vendor client carries that token as a platform would: on its requests, and, through the
 * `auth.wsWebSign` ticket, in the realtime LOGIN. Tokens are HMACs under a secret made when the
 * cloud starts, so they identify a user of this run only and cannot be forged by editing them.
 * They do not expire: tests move the emulator's clock by days, and a run is short-lived.
 */
export class LocalTokens {
  private readonly secret = crypto.randomBytes(32);

  /** A token of `audience` for `openid` ('' = a client with no user). */
  issue(openid: string, audience: TokenAudience): string {
    const body = Buffer.from(JSON.stringify({ aud: audience, sub: openid })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The openid a token of `audience` names, or null when it is not one of ours (or for another use). */
  verify(token: string, audience: TokenAudience): string | null {
    const [body, mac, ...rest] = token.split('.');
    if (!body || !mac || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    // Text that is not JSON (NOT_JSON) fails the claims too.
    const c = claims.safeParse(parseJson(Buffer.from(body, 'base64url').toString('utf8')));
    return c.success && c.data.aud === audience ? c.data.sub : null;
  }

  private sign(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
