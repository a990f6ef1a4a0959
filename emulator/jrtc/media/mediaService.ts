/**
 * The local media server: node-media-server 4.4.3 on 127.0.0.1 (RTMP publish, RTMP and HTTP-FLV
 * play; no HLS, no WS-FLV, no HTTP publish) behind our own URL verification (gate.ts, verifyUrl.ts).
 *
 * Revocation bound — when a URL stops working:
 * - Every signed URL stops working when its signature expires (issued for JRTC_URL_TTL_SECONDS, read
 *   from the emulator clock, so advancing it expires URLs). Signatures are checked when a session
 *   starts; a session already playing keeps playing, as on a CDN.
 * - A publisher is accepted only while the room state says its member publishes to that stream, and
 *   an active publisher is cut off as soon as its member unpublishes, is kicked or swept (the
 *   jrtc_members change is committed): "after unpublish the old push URL stops working" holds at
 *   once for publishers, until the member publishes again (stream ids are per member).
 * - Players of a stopped stream stay connected but receive nothing; their pull URL works until it expires.
 */
import type http from 'http';
import type { Socket } from 'net';
import { z } from 'zod';
import { expectMethod, parseBody, readJson, sendJson } from '../../httpKit';
import { type EmulatorService, type HttpRoute, stderrLog } from '../../service';
import { TRTC_PATH, resolveTrtc } from './trtcLocal';
import type { MediaProvider } from '../../../shared/signers';
import type { DocumentStore } from '../../store/store';
import { installGate, unguessableSecret, type Gate } from './gate';
import { loadNms, type NmsConfig, type NmsInstance, type NmsSession } from './nmsTypes';
import { MEDIA_HOST, choosePort, whenListening } from './ports';
import { PublishingIndex } from './publishingIndex';
import { refusalOf, type MediaAuthConfig } from './verifyUrl';

/** Options of the media service. */
export interface MediaServiceOptions {
  /** RTMP port; 0 = a free port. */
  rtmpPort: number;
  /** HTTP-FLV port; 0 = a free port. */
  httpPort: number;
  auth: MediaAuthConfig;
  /** Room state: which members publish (publishingIndex.ts). */
  store: DocumentStore;
  /** The emulator's clock, in ms (URL expiry follows it). */
  now: () => number;
  log?: (line: string) => void;
}

/**
 * node-media-server keeps its state in module singletons (and our gate patches them): one media
 * server per process, for the life of the process.
 */
let claimed = false;

/** NMS's log levels in order; we pass on warnings and errors only. */
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];

/** The local media server as an emulator service. */
export class MediaService implements EmulatorService {
  readonly name = 'media';
  readonly routes: readonly HttpRoute[] = [{ path: TRTC_PATH, handle: (req, res) => this.serveTrtc(req, res) }];
  private nms: NmsInstance | null = null;
  private gate: Gate | null = null;
  private index: PublishingIndex | null = null;
  private ports: { rtmp: number; http: number } | null = null;
  private readonly log = this.options.log ?? stderrLog;

  constructor(private readonly options: MediaServiceOptions) {}

  /** The RTMP port it listens on (after start). */
  get rtmpPort(): number {
    return this.requirePorts().rtmp;
  }

  /** The HTTP-FLV port it listens on (after start). */
  get httpPort(): number {
    return this.requirePorts().http;
  }

  /** The signing provider it verifies. */
  get provider(): MediaProvider {
    return this.options.auth.provider;
  }

  /** The jrtc function's media env for this server: push/pull domains and the FLV port (after start). */
  functionEnv(): Record<string, string> {
    const { rtmp, http } = this.requirePorts();
    return {
      JRTC_PUSH_DOMAINS: `${MEDIA_HOST}:${rtmp}`,
      JRTC_PULL_DOMAINS: `${MEDIA_HOST}:${rtmp}`,
      JRTC_PULL_HTTP_PORT: String(http),
    };
  }

  /** Chooses and checks the ports, starts NMS behind the gate and follows the room state. */
  async start(): Promise<void> {
    if (this.nms) return;
    if (claimed) throw new Error('media server: node-media-server allows one instance per process, and one is running');
    const rtmp = await choosePort(this.options.rtmpPort, 'RTMP');
    const http = await choosePort(this.options.httpPort, 'HTTP-FLV', [rtmp]);
    try {
      const index = new PublishingIndex(this.options.store, (streamId) => {
        this.gate?.revokePublisher(`/${this.options.auth.app}/${streamId}`);
      });
      await index.start();
      this.index = index;
      this.nms = await this.startNms(rtmp, http);
      this.ports = { rtmp, http };
      this.log(`[media] ${this.options.auth.provider} media server on rtmp://${MEDIA_HOST}:${rtmp} and http://${MEDIA_HOST}:${http}`);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Closes every media connection and listener; safe to call twice. */
  async stop(): Promise<void> {
    this.index?.stop();
    this.index = null;
    const nms = this.nms;
    this.nms = null;
    this.ports = null;
    if (nms) {
      await nms.stop();
      // NMS closes its HTTP listener but leaves FLV responses streaming; they would keep it open.
      nms.httpServer.httpServer?.closeAllConnections();
    }
  }

  /**
   * True while an accepted publisher sends to stream `streamId` of app `app`: what a player of it
   * would receive. False when the media server is not running.
   */
  isSending(app: string, streamId: string): boolean {
    if (!this.ports || !this.gate) return false;
    const broadcast = loadNms().context.broadcasts.get(`/${app}/${streamId}`);
    return broadcast !== undefined && broadcast.publisher !== null && this.gate.isLivePublisher(broadcast.publisher);
  }

  /** Ports, provider, live streams and gate counters. */
  getInfo(): Record<string, unknown> {
    if (!this.ports || !this.gate) return { running: false };
    const { context } = loadNms();
    const streams = [...context.broadcasts.values()].map((b) => ({
      path: b.streamPath,
      publishing: b.publisher !== null && this.gate!.isLivePublisher(b.publisher),
      players: b.subscribers.size,
    }));
    return {
      running: true,
      provider: this.options.auth.provider,
      rtmp: `rtmp://${MEDIA_HOST}:${this.ports.rtmp}`,
      http: `http://${MEDIA_HOST}:${this.ports.http}`,
      liveMembers: this.index?.size ?? 0,
      streams,
      ...this.gate.stats,
    };
  }

  /** POST {enterUrl, playUrl?} → 200 {url} (RTMP), or 403 {errCode, errMsg} as TRTC refuses the entry (trtcLocal.ts). */
  private async serveTrtc(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    expectMethod(req, 'POST');
    const body = parseBody(z.object({ enterUrl: z.string(), playUrl: z.string().optional() }).strict(), await readJson(req));
    sendJson(res, 200, { url: await resolveTrtc({ ...this.options, rtmpPort: this.rtmpPort }, body.enterUrl, body.playUrl) });
  }

  private requirePorts(): { rtmp: number; http: number } {
    if (!this.ports) throw new Error('media server is not running');
    return this.ports;
  }

  /** Null when `session` may `action`, else why not (signature, then room state for publishers). */
  private decide(action: 'publish' | 'play', session: NmsSession): string | null {
    if (action === 'publish' && session.protocol !== 'rtmp') return 'publishing is RTMP only';
    const why = refusalOf(this.options.auth, {
      action,
      protocol: session.protocol === 'flv' ? 'flv' : 'rtmp',
      app: session.streamApp,
      stream: session.streamName,
      query: session.streamQuery ?? {},
      nowSeconds: this.options.now() / 1000,
    });
    if (why !== null) return why;
    if (action === 'publish' && !this.index?.isLive(session.streamName)) return 'no member is publishing this stream';
    return null;
  }

  private async startNms(rtmpPort: number, httpPort: number): Promise<NmsInstance> {
    const { NodeMediaServer, context, logger } = loadNms();
    // NMS logs through console.log at debug level; keep its warnings and errors, in our log (minus
    // its echo of the refusals the gate has logged already).
    logger.log = (message, level = 'info') => {
      if (LEVELS.indexOf(level) < LEVELS.indexOf('warn') || message.includes(' refused: ')) return;
      this.log(`[media] nms ${level}: ${message}`);
    };
    const config: NmsConfig = {
      bind: MEDIA_HOST,
      rtmp: { port: rtmpPort },
      http: { port: httpPort },
      webadmin: { enable: false },
      auth: { play: true, publish: true, secret: unguessableSecret() },
    };
    claimed = true;
    const nms = new NodeMediaServer(config);
    this.gate = installGate(context, (action, session) => this.decide(action, session), this.log);
    const httpServer = nms.httpServer.httpServer;
    const tcpServer = nms.rtmpServer.tcpServer;
    if (!httpServer || !tcpServer) throw new Error('media server: node-media-server created no listeners');
    // NMS never sets TCP_NODELAY, and an RTMP handshake is a ping-pong of small writes: with Nagle on,
    // each write that follows an unacknowledged one waits for the peer's delayed ACK (~40 ms), so
    // handshake → publish took ~185 ms instead of ~14 ms. Prepended: it runs before NMS's handler
    // writes anything. (Node's HTTP server, which carries HTTP-FLV, has noDelay on by default.)
    tcpServer.prependListener('connection', (socket: Socket) => socket.setNoDelay(true));
    // No WS-FLV: our pull URLs are RTMP and HTTP-FLV only, and NMS's WS path crashes on bad names.
    httpServer.removeAllListeners('upgrade');
    httpServer.on('upgrade', (_req, socket: { destroy(): void }) => socket.destroy());
    // We do not call nms.run(): it would also open NMS's JSON store (./data), recorder and relays.
    nms.httpServer.run();
    nms.rtmpServer.run();
    try {
      await Promise.all([whenListening(tcpServer, rtmpPort, 'RTMP'), whenListening(httpServer, httpPort, 'HTTP-FLV')]);
    } catch (err) {
      await nms.stop();
      throw err;
    }
    return nms;
  }
}
