/**
 * The room console's server side, on the local cloud's port: the page and its script at /console
 * (built by scripts/build.js into dist/console/), POST /v1/admin/console/pull, which hands the
 * page a signed HTTP-FLV URL for a publishing anchor — the URL `subscribe` would give an audience
 * member, signed with the jrtc function's own provider, pull key and domains — and GET
 * /v1/admin/console/calls, the recent calls. jrtc_calls is admin-only by rule (a call's record names
 * every party; each phone reads only its own view), so the page cannot watch it as it watches rooms
 * and members; the server side reads it from the store, as the deployer reads its records.
 *
 * Both answer only requests addressed to 127.0.0.1 or localhost (the Host header): the server only
 * listens on loopback, and this also shuts out a web page that rebinds its own name to 127.0.0.1.
 * The pull route demands a JSON content type, so another origin's page cannot call it without a
 * CORS preflight, which this server never grants.
 */
import fs from 'fs';
import type http from 'http';
import path from 'path';
import { z } from 'zod';
import { loadConfig, streamSignInput } from '../../../shared/functionConfig';
import { Collections, ErrorCode, Role, memberIdOf, memberSchema } from '../../../shared';
import { signPullUrls } from '../../../shared/signers';
import { CloudErrors } from '../../cloudErrors';
import type { FunctionsHost } from '../../functions/functionsHost';
import { HttpError, expectMethod, readJson, sendJson } from '../../httpKit';
import type { EmulatorService, HttpRoute, Registry } from '../../service';
import type { MediaService } from '../media/mediaService';
import type { DocumentStore } from '../../store/store';
import { describeIssues, type ErrorBody } from '../../wire';
import { callStateSchema, endReasonSchema, partyStateSchema } from '../../../shared/calls';
import type { ConsoleCall } from './page/callList';

/** GET: the most recent calls, `{calls: ConsoleCall[]}`, newest first. */
export const CONSOLE_CALLS_ROUTE = '/v1/admin/console/calls';
/**
 * The fields of a stored call the console shows (the function's record, cloudfunctions/jrtc/src/calls/
 * callDocs.ts, which the local cloud does not import: it is built from the protocol's words instead).
 */
const storedCallSchema = z.object({
  callId: z.string(),
  appId: z.string(),
  userRoomId: z.string(),
  state: callStateSchema,
  parties: z
    .array(z.object({ userId: z.string(), nickName: z.string(), role: z.enum(['caller', 'callee']), state: partyStateSchema, reason: endReasonSchema.optional() }))
    .min(1),
  createdAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
});

/** How many calls the console lists. */
export const CALLS_LISTED = 20;

/** The `limit` most recent well-formed calls, newest first, without OPENIDs or devices. */
export async function recentCalls(store: DocumentStore, limit = CALLS_LISTED): Promise<ConsoleCall[]> {
  const docs = await store.find(Collections.calls, {}, { sort: { createdAt: -1 }, limit });
  // A document the function would not write is skipped; the schema drops unlisted fields (OPENIDs, devices).
  return docs.flatMap((doc) => {
    const parsed = storedCallSchema.safeParse(doc);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A stored member document: the protocol's member plus the room it is in (as the jrtc function writes it). */
const memberDocSchema = memberSchema.extend({ roomKey: z.string() });

/** Where the page is served. */
export const CONSOLE_PATH = '/console';
/** The admin route that signs a pull URL for the page. */
export const CONSOLE_PULL_ROUTE = '/v1/admin/console/pull';

/** POST /v1/admin/console/pull */
export const consolePullBody = z
  .object({ roomKey: z.string().min(1).max(300), userId: z.string().min(1).max(128) })
  .strict();

/** A successful pull answer. */
export interface ConsolePullReply {
  userId: string;
  streamId: string;
  /** The signed HTTP-FLV URL. */
  flv: string;
  /** When its signature expires (ms, emulator clock). */
  expiresAt: number;
}

/** A failed pull answer: the local cloud's error body plus the protocol's error code. */
export type ConsoleErrorBody = ErrorBody & { code: ErrorCode };

/** Options of the room console. */
export interface RoomConsoleOptions {
  store: DocumentStore;
  /** The emulator clock, in ms (URL expiry follows it). */
  now: () => number;
  /** Holds index.html and console.js (dist/console). */
  assetsDir: string;
}

/** The files the page is made of: request name → file name and type. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'console.js.map': { file: 'console.js.map', type: 'application/json; charset=utf-8' },
};

/**
 * What the page may load and connect to: its own script, the watch socket on this origin, and the
 * media server's HTTP-FLV on another loopback port; MSE plays from blob: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:* http://localhost:* ws://localhost:*",
  "media-src 'self' blob:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LOOPBACK_ONLY = 'the console answers only on 127.0.0.1 or localhost';

/** True when `req` is addressed to this machine by a loopback name. */
function addressedToLoopback(req: http.IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost';
}

/** The room console of one local cloud. */
export class RoomConsole implements EmulatorService {
  readonly name = 'console';
  /** The page and its script; the pull route; the cloud's root, which leads a browser to the page. */
  readonly routes: readonly HttpRoute[] = [
    {
      path: '/',
      handle: (req, res) => {
        expectMethod(req, 'GET', 'HEAD');
        res.writeHead(302, { location: CONSOLE_PATH, 'content-length': 0 });
        res.end();
      },
    },
    { path: /^\/console(\/.*)?$/, handle: (req, res, url) => this.serve(req, res, url.pathname) },
    {
      path: CONSOLE_CALLS_ROUTE,
      handle: async (req, res) => {
        if (!addressedToLoopback(req)) throw new HttpError(403, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg: LOOPBACK_ONLY });
        expectMethod(req, 'GET');
        sendJson(res, 200, { calls: await recentCalls(this.options.store) });
      },
    },
    {
      path: CONSOLE_PULL_ROUTE,
      handle: async (req, res) => {
        expectMethod(req, 'POST');
        sendJson(res, ...(await this.pull(req, await readJson(req))));
      },
    },
  ];
  /** The env the jrtc function runs with, from the functions host (connect()): the console signs as it does. */
  private jrtcEnv: Readonly<Record<string, string | undefined>> = {};
  /** The local media server, when the cloud runs one (connect()). */
  private media: MediaService | null = null;

  constructor(private readonly options: RoomConsoleOptions) {}

  connect(registry: Registry): void {
    this.jrtcEnv = registry.get<FunctionsHost>('functions').envFor('jrtc');
    this.media = registry.find<MediaService>('media') ?? null;
  }

  getInfo(): Record<string, unknown> {
    return { path: CONSOLE_PATH };
  }

  /**
   * Answers GET/HEAD of the page and its script. A missing build answers 404 saying how to build;
   * any other path under /console answers 404.
   */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    if (!addressedToLoopback(req)) return sendText(res, 403, `${LOOPBACK_ONLY}\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'use GET\n');
    const name = pathname.slice(CONSOLE_PATH.length).replace(/^\/+/, '');
    const asset = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return sendText(res, 404, `no console file ${name}\n`);
    let body: Buffer;
    try {
      body = fs.readFileSync(path.join(this.options.assetsDir, asset.file));
    } catch {
      return sendText(res, 404, `the console is not built (${asset.file} missing in ${this.options.assetsDir}): run npm run build\n`);
    }
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(name === '' ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * POST /v1/admin/console/pull: `[status, body]` — 200 with a ConsolePullReply, 400 for a malformed
   * body, 403 for a non-loopback Host, 415 without a JSON content type, 404 when the member is not in
   * the room, 409 when it is not a publishing anchor, 503 when the function has no pull signing config.
   */
  async pull(req: http.IncomingMessage, body: unknown): Promise<[number, ConsolePullReply | ConsoleErrorBody]> {
    if (!addressedToLoopback(req)) return fail(403, ErrorCode.POLICY_DENIED, LOOPBACK_ONLY);
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return fail(415, ErrorCode.BAD_REQUEST, 'send the body as application/json');
    const parsed = consolePullBody.safeParse(body);
    if (!parsed.success) return fail(400, ErrorCode.BAD_REQUEST, `invalid body: ${describeIssues(parsed.error)}`);
    const { roomKey, userId } = parsed.data;

    const loaded = loadConfig(this.jrtcEnv);
    if (!loaded.ok) return fail(503, ErrorCode.CONFIG_ERROR, `the jrtc function's config is invalid: ${loaded.error.message}`);
    const config = loaded.config;
    const domain = config.pullDomains[0];
    if (!config.pullKey || domain === undefined) {
      return fail(503, ErrorCode.CONFIG_ERROR, 'the jrtc function has no pull key or pull domain (JRTC_PULL_KEY, JRTC_PULL_DOMAINS)');
    }

    const stored = await this.options.store.get(Collections.members, memberIdOf(roomKey, userId));
    const member = stored === null ? null : memberDocSchema.safeParse(stored);
    if (member === null || !member.success || member.data.roomKey !== roomKey) {
      return fail(404, ErrorCode.TARGET_NOT_IN_ROOM, `${userId} is not in room ${roomKey}`);
    }
    if (member.data.role !== Role.ANCHOR || !member.data.stream.publishing) {
      return fail(409, ErrorCode.NOT_ANCHOR, `${userId} is not publishing`);
    }
    // The room state can say "publishing" with nothing arriving: an app killed before its lease ran
    // out, or the last run's members after a restart. A player would wait forever; say why instead.
    if (this.media && !this.media.isSending(config.mediaApp, member.data.stream.streamId)) {
      return fail(409, ErrorCode.NOT_ANCHOR, `${userId} publishes, but no audio reaches the local media server (its app stopped sending)`);
    }
    // Signed as subscribe signs (shared/functionConfig.ts streamSignInput).
    const input = streamSignInput(config, 'pull', domain, member.data.stream.streamId, this.options.now());
    return [200, { userId, streamId: member.data.stream.streamId, flv: signPullUrls(input).flv, expiresAt: input.expireAt * 1000 }];
  }
}

function fail(status: number, code: ErrorCode, errMsg: string): [number, ConsoleErrorBody] {
  // Client mistakes carry CloudBase's "invalid parameters"; a server without config its "system error".
  return [status, { errCode: status >= 500 ? CloudErrors.SYS_ERR.errCode : CloudErrors.INVALID_PARAM.errCode, errMsg, code }];
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
