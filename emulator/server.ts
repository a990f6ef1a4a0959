/**
 * The local cloud's one port: HTTP routes for function calls, admin, the Admin API and the vendor
 * client's /web, and the vendor's realtime WebSocket, on 127.0.0.1. Every body is validated; a malformed request gets a 400
 * JSON error, never a crash.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import type { z } from 'zod';
import { PermissionDeniedError } from './rules/access';
import { ADMIN_PATH, type AdminApi } from './adminApi/adminApi';
import { DocumentNotFoundError } from './database/clientDatabase';
import type { EmulatorClock } from './timers/clock';
import { CONSOLE_PULL_ROUTE, isConsolePath } from './console/roomConsole';
import type { RoomConsole } from './console/roomConsole';
import type { FunctionsHost } from './functions/functionsHost';
import type { RealtimeGateway } from './realtime/gateway';
import { WebApiError } from './realtime/gateway';
import type { EmulatorService } from './service';
import { DatabaseError } from './store/store';
import type { TimerService } from './timers/timers';
import type { ErrorBody } from './wire';
import { INVALID_PARAMETERS, OPENID_HEADER, callFunctionBody, clockBody, describeIssues, openidSchema } from './wire';

/** The largest request body (CloudBase's synchronous event limit). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** What the HTTP server serves. */
export interface HttpServerOptions {
  /** 0 = a free port. */
  port: number;
  functions: FunctionsHost;
  timers: TimerService;
  clock: EmulatorClock;
  /** The vendor client's endpoints: the realtime WebSocket and POST /web. */
  realtime: RealtimeGateway;
  /** GET /v1/admin/info. */
  info: () => Record<string, unknown>;
  /** The room console (GET /console, POST /v1/admin/console/pull); omitted = not served. */
  console?: RoomConsole;
  /** The Admin API the real wx-server-sdk posts to (POST /admin); omitted = not served. */
  admin?: AdminApi;
  log?: (line: string) => void;
}

/** An error answer: status and wx.cloud-shaped body. */
class HttpError extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.errMsg);
  }
}

const badRequest = (errMsg: string): HttpError => new HttpError(400, { errCode: INVALID_PARAMETERS, errMsg });

/** The HTTP + WebSocket server of one local cloud. */
export class HttpServer implements EmulatorService {
  readonly name = 'server';
  private readonly server: http.Server;
  private boundPort = 0;
  private readonly log: (line: string) => void;

  constructor(private readonly options: HttpServerOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (options.realtime.takesUpgrade(url.pathname)) return options.realtime.handleUpgrade(req, socket, head);
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
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
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(`port ${this.options.port} on 127.0.0.1 is already in use; choose another with --port`)
            : err,
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.options.port, '127.0.0.1', () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Drops realtime sockets and open connections, then closes. */
  stop(): Promise<void> {
    this.options.realtime.close();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The URL and the open realtime sockets and queries. */
  getInfo(): Record<string, unknown> {
    return { url: this.url, realtime: this.options.realtime.getInfo() };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (this.options.console && isConsolePath(url.pathname)) return this.options.console.serve(req, res, url.pathname);
      if (this.options.admin && url.pathname === ADMIN_PATH) return await this.options.admin.serve(req, res);
      const [status, body] = await this.route(req, url);
      send(res, status, body);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body);
      if (err instanceof WebApiError) return send(res, 400, { errCode: INVALID_PARAMETERS, errMsg: err.errMsg });
      if (err instanceof PermissionDeniedError) return send(res, 403, { errCode: err.errCode, errMsg: err.errMsg });
      if (err instanceof DocumentNotFoundError) return send(res, 404, { errCode: -502001, errMsg: err.message });
      if (err instanceof DatabaseError) {
        const status = err.code === 'DB_DUPLICATE_ID' ? 409 : err.code === 'DB_CLOSED' ? 503 : err.code === 'DB_NOT_FOUND' ? 404 : 400;
        return send(res, status, { errCode: status === 400 ? -502002 : -502001, errMsg: err.message });
      }
      this.log(`[server] ${req.method} ${req.url} failed: ${(err as Error)?.stack ?? String(err)}`);
      send(res, 500, { errCode: -501001, errMsg: 'resource system error' });
    }
  }

  private async route(req: http.IncomingMessage, url: URL): Promise<[number, unknown]> {
    const path = url.pathname;
    const fn = /^\/v1\/functions\/([^/]+)$/.exec(path);
    const timer = /^\/v1\/admin\/timers\/([^/]+)$/.exec(path);
    if (path === '/v1/admin/info') {
      expectMethod(req, 'GET');
      return [200, this.options.info()];
    }
    expectMethod(req, 'POST');
    if (fn) {
      const body = parse(callFunctionBody, await readJson(req));
      const result = await this.options.functions.invokeForWire(decode(fn[1]), body.data ?? {}, { openid: openidOf(req) });
      if (result.ok) return [200, callFunctionAnswer(result.resultJson, result.requestId)];
      return [result.errCode === -501000 ? 404 : 500, { errCode: result.errCode, errMsg: result.errMsg, requestId: result.requestId }];
    }
    if (this.options.realtime.takesRequest(path)) {
      return [200, await this.options.realtime.handleRequest(await readJson(req), req.headers.authorization)];
    }
    if (path === '/v1/admin/clock') {
      const body = parse(clockBody, await readJson(req));
      const now = this.options.clock.advance(body.advanceMs);
      return [200, { now, offsetMs: this.options.clock.offset }];
    }
    if (path === CONSOLE_PULL_ROUTE && this.options.console) {
      return this.options.console.pull(req, await readJson(req));
    }
    if (timer) {
      await readJson(req); // any body is ignored, but it must be JSON (or empty)
      const name = decode(timer[1]);
      if (!this.options.timers.has(name)) throw new HttpError(404, { errCode: INVALID_PARAMETERS, errMsg: `no timer trigger named ${name}` });
      const result = await this.options.timers.fire(name);
      return result.ok ? [200, { result: result.result }] : [500, { errCode: result.errCode, errMsg: result.errMsg }];
    }
    throw new HttpError(404, { errCode: INVALID_PARAMETERS, errMsg: `no route ${req.method} ${path}` });
  }
}

/** A response body already serialised. */
class RawJson {
  constructor(readonly text: string) {}
}

/**
 * `{result, requestId}` around the function's serialised return value: the same text
 * `JSON.stringify` makes of the parsed value (no `result` key when the function returned nothing).
 */
function callFunctionAnswer(resultJson: string | undefined, requestId: string): RawJson {
  const id = JSON.stringify(requestId);
  return new RawJson(resultJson === undefined ? `{"requestId":${id}}` : `{"result":${resultJson},"requestId":${id}}`);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body === undefined ? {} : body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function expectMethod(req: http.IncomingMessage, method: string): void {
  if (req.method !== method) throw new HttpError(405, { errCode: INVALID_PARAMETERS, errMsg: `use ${method}` });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest('malformed path');
  }
}

function openidOf(req: http.IncomingMessage): string {
  const header = req.headers[OPENID_HEADER];
  const parsed = openidSchema.safeParse(typeof header === 'string' ? header : '');
  if (!parsed.success) throw badRequest(`${OPENID_HEADER}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads a JSON body (empty = `{}`), refusing oversized or malformed ones. */
async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large: answering mid-upload would reset the client's connection.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(413, { errCode: INVALID_PARAMETERS, errMsg: 'request body too large' });
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('body is not valid JSON');
  }
}
