/**
 * What the local cloud serves to the vendor client (wx.cloud's database, @cloudbase/js-sdk): the
 * /web request endpoint and the realtime WebSocket endpoint, sharing one token issuer.
 */
import type { ClientDatabase } from '../database/clientDatabase';
import { expectMethod, readJson, sendJson } from '../httpKit';
import type { EmulatorService, HttpRoute, Registry, UpgradeRoute } from '../service';
import type { WatchService } from '../watch/watch';
import { REALTIME_PATH, RealtimeSocketServer } from './socketServer';
import { LocalTokens } from './tokens';
import { WEB_API_PATH, WebApi } from '../database/webApi';

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
  private readonly sockets: RealtimeSocketServer;
  private readonly api: WebApi;
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
  readonly upgrades: readonly UpgradeRoute[] = [{ path: REALTIME_PATH, handle: (req, socket, head) => this.sockets.handleUpgrade(req, socket, head) }];

  constructor(options: RealtimeGatewayOptions) {
    this.sockets = new RealtimeSocketServer(options.watch, this.tokens);
    this.api = new WebApi(options.clientDb, this.tokens, () => this.wsUrl, { now: options.now });
  }

  async start(): Promise<void> {}

  /** Learns the cloud's URL, which `auth.wsWebSign` hands out as the realtime endpoint. */
  connect(registry: Registry): void {
    this.wsUrl = `${registry.url.replace(/^http/, 'ws')}${REALTIME_PATH}`;
  }

  /** Open realtime sockets and queries. */
  getInfo(): Record<string, unknown> {
    return this.sockets.getInfo();
  }

  /** Drops every realtime socket and query. */
  async stop(): Promise<void> {
    this.sockets.close();
  }
}
