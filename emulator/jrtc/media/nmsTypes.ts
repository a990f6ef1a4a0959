/**
 * The parts of node-media-server 4.4.3's internals the local media server touches, typed by hand
 * (the package ships no types) from its sources: src/index.js, src/core/context.js,
 * src/server/broadcast_server.js, src/session/{rtmp,flv}_session.js.
 */
import type { IncomingMessage, ServerResponse, Server as HttpServer } from 'http';
import type { Server as NetServer, Socket } from 'net';

/** NMS's config, as much of it as we set (src/core/context.js NmsConfig). */
export interface NmsConfig {
  bind: string;
  rtmp: { port: number };
  http: { port: number };
  webadmin: { enable: boolean };
  /** NMS's own stream auth; see gate.ts for why it is on with a secret nobody knows. */
  auth: { play: boolean; publish: boolean; secret: string };
}

/** The Rtmp or Flv protocol object of a session (src/protocol/{rtmp,flv}.js): the parser calls it by property. */
export interface NmsProtocol {
  onPacketCallback: ((packet: unknown) => void) | undefined;
}

/** A session (src/session/base_session.js and its RTMP / FLV subclasses), the fields we read. */
export interface NmsSession {
  isPublisher: boolean;
  protocol: string;
  streamApp: string;
  streamName: string;
  /** "/app/stream" */
  streamPath: string;
  /** The parsed URL query (querystring.parse: values may be arrays). */
  streamQuery: Record<string, string | string[] | undefined>;
  broadcast: NmsBroadcast;
  /** RTMP sessions only. */
  socket?: Socket;
  rtmp?: NmsProtocol;
  /** FLV sessions only: the HTTP response, or a ws WebSocket for WS-FLV. */
  res?: ServerResponse | { close(code?: number, reason?: string): void };
  req?: IncomingMessage;
  flv?: NmsProtocol;
}

/** One stream path's fan-out (src/server/broadcast_server.js); its methods are instance properties. */
export interface NmsBroadcast {
  streamPath: string;
  publisher: NmsSession | null;
  subscribers: Map<string, NmsSession>;
  /** Returns an error message to refuse, null to accept. */
  postPublish: (session: NmsSession) => string | null;
  postPlay: (session: NmsSession) => string | null;
  verifyAuth: (authKey: string, session: NmsSession) => boolean;
}

/** The process-wide singleton every NMS module shares (src/core/context.js). */
export interface NmsContext {
  config: NmsConfig;
  sessions: Map<string, NmsSession>;
  broadcasts: Map<string, NmsBroadcast>;
}

/** The NodeMediaServer instance (src/index.js) with the servers we start ourselves. */
export interface NmsInstance {
  rtmpServer: { run(): void; stop(): void; tcpServer?: NetServer };
  httpServer: { run(): void; stop(): void; httpServer?: HttpServer };
  stop(): Promise<void>;
}

/** NMS's logger singleton (src/core/logger.js): every level ends in `log(message, level)`. */
export interface NmsLogger {
  log: (message: string, level?: string) => void;
}

/** The modules, loaded at runtime (they are plain CommonJS without types). */
export interface NmsModules {
  NodeMediaServer: new (config: NmsConfig) => NmsInstance;
  context: NmsContext;
  logger: NmsLogger;
}

/** Loads node-media-server; the three requires resolve to the same module instances NMS uses internally. */
export function loadNms(): NmsModules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const NodeMediaServer = require('node-media-server') as NmsModules['NodeMediaServer'];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const context = require('node-media-server/src/core/context.js') as NmsContext;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const logger = require('node-media-server/src/core/logger.js') as NmsLogger;
  return { NodeMediaServer, context, logger };
}
