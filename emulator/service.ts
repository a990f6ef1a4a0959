/**
 * The shape every local-cloud service shares (after firebase-tools' emulator registry, where each
 * emulator owns its endpoints and the registry owns lifecycle): a service declares the HTTP and
 * WebSocket routes it answers on the cloud's one port, and the registry (registry.ts) starts the
 * services in their declared order, then connects them, and stops them in reverse.
 */
import type http from 'http';
import type { Duplex } from 'stream';

/** Answers one HTTP request; writes the whole response, or throws what httpKit.sendError answers. */
export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> | void;

/** An HTTP route: an exact path, or a pattern for paths with parameters. */
export interface HttpRoute {
  path: string | RegExp;
  handle: HttpHandler;
  /**
   * Claims only the requests on `path` it accepts, judged on the headers (the body is not read yet),
   * before the path's unconditional route: a vendor SDK may send two services' calls to one URL
   * (wx-server-sdk posts database JSON and openapi multipart to the same /admin).
   */
  accepts?(req: http.IncomingMessage): boolean;
}

/** Where a service logs when its options name no `log`. */
export const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);

/** A WebSocket upgrade route on an exact path. */
export interface UpgradeRoute {
  path: string;
  handle(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What a service may ask of the others once all have started (registry.ts). */
export interface Registry {
  /** The cloud's `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The running service named `name`; throws when there is none. */
  get<T extends EmulatorService>(name: string): T;
  /** Every service, in start order. */
  all(): readonly EmulatorService[];
  /** The running service named `name`, or undefined. */
  find<T extends EmulatorService>(name: string): T | undefined;
  /** Env vars services contribute to every function (EmulatorService.functionEnv), in start order. */
  functionEnv(): Record<string, string>;
}

/** A service of the local cloud. */
export interface EmulatorService {
  /** A short stable name, used in logs, in the registry and in GET /v1/admin/info. */
  readonly name: string;
  /** Brings the service up (binds its ports, opens its resources); resolves once it serves. None: nothing to start. */
  start?(): Promise<void>;
  /** Late binding, after every service started: look others up in the registry (URLs, peers). */
  connect?(registry: Registry): void | Promise<void>;
  /** Releases everything the service holds (sockets, timers, hooks); safe to call twice. None: nothing to stop. */
  stop?(): Promise<void>;
  /** JSON-safe facts about the running service, for the info route. */
  getInfo(): Record<string, unknown>;
  /** The HTTP routes it answers on the cloud's port. */
  readonly routes?: readonly HttpRoute[];
  /** The WebSocket upgrades it accepts on the cloud's port. */
  readonly upgrades?: readonly UpgradeRoute[];
  /** Env vars this service gives every function (e.g. the media server's chosen ports). */
  functionEnv?(): Record<string, string>;
}
