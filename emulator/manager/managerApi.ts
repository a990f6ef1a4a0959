/**
 * The local cloud's management API: the tcb endpoint of Tencent Cloud API 3.0 that
 * @cloudbase/manager-node 5.6.5 posts to. manager-node takes that endpoint from `TCB_BASE_URL`
 * (lib/utils/cloud-api-request.js `baseUrl`), so pointing it at `<cloud>/tcb` provisions this
 * local cloud with the real SDK (PROTOCOL.md). Requests must be signed (TC3-HMAC-SHA256) with the
 * keys this local cloud is configured with: the signature is verified, not only required.
 */
import { randomUUID } from 'crypto';
import type http from 'http';
import type { CollectionCatalog } from '../catalog/catalog';
import { MAX_BODY_BYTES } from '../httpKit';
import type { EmulatorService, HttpRoute } from '../service';
import type { DocumentStore } from '../store/store';
import { ManagerFailure, managerActions, type ManagerContext } from './managerActions';
import { checkTc3Signature, type ManagerCredentials } from './tc3';

/** The path manager-node's `TCB_BASE_URL` names on the local cloud's port. */
export const MANAGER_PATH = '/tcb';
/** The API version manager-node sends for the tcb service (DatabaseService.tcbServiceVersion). */
const TCB_VERSION = '2018-06-08';

/** The keys a local cloud accepts unless told others (not secret: they only reach this machine). */
export const LOCAL_MANAGER_CREDENTIALS: ManagerCredentials = { secretId: 'local-cloud-manager-id', secretKey: 'local-cloud-manager-key' };

/** Options of ManagerApi. */
export interface ManagerApiOptions {
  catalog: CollectionCatalog;
  store: DocumentStore;
  envId: string;
  /** The keys requests must be signed with (default LOCAL_MANAGER_CREDENTIALS). */
  credentials?: ManagerCredentials;
  /** The region DescribeEnvInfo reports (default ap-shanghai, manager-node's default). */
  region?: string;
  /** The local cloud's clock, for creation times. */
  now: () => number;
  /**
   * The wall clock signatures are checked against. Default `new Date().getTime()`: manager-node
   * stamps requests with `new Date()`, which nothing moves, while a test harness may make `Date.now`
   * follow the emulator clock in this process (timers/clock.ts, tests/helpers/deviceClock.ts).
   */
  wallClock?: () => number;
  log?: (line: string) => void;
}

/** A reply's body: `{Response: {..., RequestId}}` or `{Response: {Error: {Code, Message}, RequestId}}`, always HTTP 200. */
export type ManagerReply = { Response: Record<string, unknown> };

/** The management API as a service of the local cloud. */
export class ManagerApi implements EmulatorService {
  readonly name = 'manager';
  readonly routes: readonly HttpRoute[] = [{ path: MANAGER_PATH, handle: (req, res, url) => this.serve(req, res, url) }];
  readonly credentials: ManagerCredentials;
  private readonly context: ManagerContext;
  private readonly byAction = new Map<string, number>();

  constructor(private readonly options: ManagerApiOptions) {
    this.credentials = options.credentials ?? LOCAL_MANAGER_CREDENTIALS;
    this.context = { envId: options.envId, region: options.region ?? 'ap-shanghai', catalog: options.catalog, store: options.store, now: options.now };
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  getInfo(): Record<string, unknown> {
    return { path: MANAGER_PATH, collections: this.options.catalog.names(), byAction: Object.fromEntries(this.byAction) };
  }

  /** Answers one request (headers, path, query and raw body); never throws. */
  async handle(req: { method: string; headers: http.IncomingHttpHeaders; path: string; query: string; body: string }): Promise<ManagerReply> {
    const RequestId = randomUUID();
    try {
      const result = await this.run(req);
      return { Response: { ...result, RequestId } };
    } catch (err) {
      const failure =
        err instanceof ManagerFailure ? err : (this.options.log?.(`[manager] ${(err as Error)?.stack ?? String(err)}`), new ManagerFailure('InternalError', 'internal error of the local management API'));
      return { Response: { Error: { Code: failure.code, Message: failure.message }, RequestId } };
    }
  }

  private async run(req: { method: string; headers: http.IncomingHttpHeaders; path: string; query: string; body: string }): Promise<Record<string, unknown>> {
    if (req.method !== 'POST') throw new ManagerFailure('UnsupportedProtocol', 'use POST');
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const refused = checkTc3Signature(
      { authorization: header('authorization'), timestamp: header('x-tc-timestamp'), host: header('host'), contentType: header('content-type'), path: req.path, query: req.query, body: req.body },
      this.credentials,
      'tcb',
      (this.options.wallClock ?? (() => new Date().getTime()))(),
    );
    if (refused) throw new ManagerFailure(refused.code, refused.message);
    const action = header('x-tc-action') ?? '';
    if (header('x-tc-version') !== TCB_VERSION) throw new ManagerFailure('InvalidParameter', `X-TC-Version must be ${TCB_VERSION}`);
    const handler = Object.prototype.hasOwnProperty.call(managerActions, action) ? managerActions[action] : undefined;
    if (!handler) throw new ManagerFailure('InvalidAction', `action ${action || '(none)'} is not served by the local cloud`);
    this.byAction.set(action, (this.byAction.get(action) ?? 0) + 1);
    let params: unknown;
    try {
      params = JSON.parse(req.body);
    } catch {
      throw new ManagerFailure('InvalidParameter', 'the body is not JSON');
    }
    return handler(params, this.context);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end even when too large: answering mid-upload would reset the client's connection.
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    const reply: ManagerReply =
      size > MAX_BODY_BYTES
        ? { Response: { Error: { Code: 'InvalidParameter', Message: 'request body too large' }, RequestId: randomUUID() } }
        : await this.handle({ method: req.method ?? 'GET', headers: req.headers, path: url.pathname, query: url.search.slice(1), body: Buffer.concat(chunks).toString('utf8') });
    const text = JSON.stringify(reply);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
