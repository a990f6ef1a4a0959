/**
 * The local cloud's one port on 127.0.0.1: a dispatcher over the routes the registered services
 * declare (EmulatorService.routes / upgrades). It owns only GET /v1/admin/info, the registry's
 * view of every service. A thrown error becomes wx.cloud's `{errCode, errMsg}` from the one table
 * (httpKit.sendError); a malformed request gets a 4xx answer, never a crash.
 */
import { once } from 'events';
import http from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { CloudErrors } from './cloudErrors';
import { HttpError, expectMethod, sendError, sendJson } from './httpKit';
import { type EmulatorService, type HttpRoute, type Registry, type UpgradeRoute, stderrLog } from './service';

/** What the HTTP server serves. */
export interface HttpServerOptions {
  /** 0 = a free port. */
  port: number;
  /** GET /v1/admin/info: facts about every service. */
  info: () => Record<string, unknown>;
  log?: (line: string) => void;
}

/** The HTTP + WebSocket server of one local cloud. */
export class HttpServer implements EmulatorService {
  readonly name = 'server';
  readonly routes: readonly HttpRoute[] = [
    {
      path: '/v1/admin/info',
      handle: (req, res) => {
        expectMethod(req, 'GET');
        sendJson(res, 200, this.options.info());
      },
    },
  ];
  private readonly server: http.Server;
  private boundPort = 0;
  private readonly log = this.options.log ?? stderrLog;
  /** Every service's routes, known once connected (until then the cloud is starting: 503). */
  private table: { routes: HttpRoute[]; upgrades: UpgradeRoute[] } | null = null;

  constructor(private readonly options: HttpServerOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
    // Idle keep-alive sockets outlive every client's own idle timeout (undici's: the server's hint
    // minus 2 s, timed in a process that may lag under load), so a client never sends a request on a
    // socket the server is closing at that moment: that race surfaced as "fetch failed" under the
    // 1,000-call test. Gateways in front of CloudBase keep idle connections for about a minute too.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
  }

  /** The bound port (after start). */
  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>` (after start). */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** Listens on 127.0.0.1; a busy port rejects with a clear error. */
  async start(): Promise<void> {
    this.server.listen(this.options.port, '127.0.0.1');
    try {
      await once(this.server, 'listening');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      throw new Error(`port ${this.options.port} on 127.0.0.1 is already in use; choose another with --port`);
    }
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Takes every service's routes; a path two services claim is a configuration error. */
  connect(registry: Registry): void {
    const routes: HttpRoute[] = [];
    const upgrades: UpgradeRoute[] = [];
    const claimed = new Map<string, string>();
    for (const service of registry.all()) {
      for (const route of service.routes ?? []) {
        routes.push(route);
        if (route.accepts) continue; // a conditional route shares its path by design
        const key = String(route.path);
        const owner = claimed.get(key);
        if (owner !== undefined) throw new Error(`route ${key} is claimed by both ${owner} and ${service.name}`);
        claimed.set(key, service.name);
      }
      upgrades.push(...(service.upgrades ?? []));
    }
    this.table = { routes, upgrades };
  }

  /** Closes open connections, then the listener. */
  stop(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The URL. */
  getInfo(): Record<string, unknown> {
    return { url: this.url };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!this.table) throw new HttpError(503, { errCode: CloudErrors.SYS_ERR.errCode, errMsg: 'the local cloud is starting' });
      const onPath = this.table.routes.filter((r) => (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
      const route = onPath.find((r) => r.accepts?.(req)) ?? onPath.find((r) => !r.accepts);
      if (!route) throw new HttpError(404, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg: `no route ${req.method} ${url.pathname}` });
      await route.handle(req, res, url);
    } catch (err) {
      if (res.headersSent) res.destroy();
      else sendError(res, err, this.log, `${req.method} ${req.url}`);
    }
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = this.table?.upgrades.find((u) => u.path === pathname);
    if (route) return route.handle(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  }
}
