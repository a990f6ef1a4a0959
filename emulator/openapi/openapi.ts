/**
 * The local cloud's openapi (云调用) service: what wx-server-sdk 4.0.2's `cloud.openapi.*` posts
 * when redirected to the local cloud (PROTOCOL.md). The SDK sends those calls to the Admin API's
 * URL as multipart forms (`action: wx.openApi`), so this service claims the multipart requests on
 * that path and leaves the JSON ones to the Admin API. Served: `subscribeMessage.send`, with the
 * simulated phone's consent (POST /v1/openapi/subscribe) and a record of what was sent (GET
 * /v1/openapi/messages), `cloud.getVoIPSign` (voip.ts) and the phones' wx.joinVoIPChat that checks
 * its signatures (voipChat.ts). Everything is in memory: a restarted cloud has no grants, records or groups.
 */
import { randomBytes, randomUUID } from 'crypto';
import type http from 'http';
import { z } from 'zod';
import { ADMIN_PATH } from '../adminApi/adminApi';
import { HttpError, MAX_BODY_BYTES, badRequest, expectMethod, openidOf, parseBody, readJson, sendJson } from '../httpKit';
import { openidOfApiToken } from '../functions/functionsHost';
import type { EmulatorService, HttpRoute, UpgradeRoute } from '../service';
import { DEFAULT_TEMPLATES, SubscribeRequestError, answerRequest, checkTemplates, refuseSend, type SendParams, type SubscribeAnswer, type SubscribeTemplates } from './subscribeMessage';
import { LOCAL_VOIP_SIGNER, signVoip, type VoipSigner } from './voip';
import { VOIP_PATH, VoipChats } from './voipChat';
import { API_TYPE, decodeCommApiData, encodeCommOpenApiResp, parseMultipart } from './wire';

/** POST: the simulated phone's wx.requestSubscribeMessage (header x-wx-openid names the user). */
export const SUBSCRIBE_PATH = '/v1/openapi/subscribe';
/** GET: the subscription messages sent, oldest first (`?touser=` narrows). */
export const MESSAGES_PATH = '/v1/openapi/messages';

/** Options of the openapi service (LocalCloudOptions.openapi, without the cloud's own). */
export interface OpenApiConfig {
  /** The subscription templates of this mini program (default DEFAULT_TEMPLATES). */
  templates?: SubscribeTemplates;
  /** Who signs `cloud.getVoIPSign` and checks wx.joinVoIPChat (default LOCAL_VOIP_SIGNER; voip.ts). */
  voip?: VoipSigner;
}

/** OpenApiService's options. */
export interface OpenApiOptions extends OpenApiConfig {
  envId: string;
  /** The local cloud's clock, for the time of each record and the freshness of a VoIP join. */
  now: () => number;
}

/** One subscription message as sent. */
export interface SentMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string | number }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: string;
  /** The local cloud's clock when it was sent, in ms. */
  time: number;
}

/** A refusal at CloudBase's level (not WeChat's): node-sdk throws it, wx-server-sdk maps `code` through TCB_ERR_CODE. */
class TcbFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const subscribeBody = z.object({ tmplIds: z.array(z.unknown()), answers: z.record(z.string(), z.enum(['accept', 'reject'])).optional() }).strict();

/** WeChat's request id suffix (`rid: 6083e5cc-50cbdcb3-53499677`). */
const rid = (): string => [0, 1, 2].map(() => randomBytes(4).toString('hex')).join('-');

/** The openapi service of one local cloud. */
export class OpenApiService implements EmulatorService {
  readonly name = 'openapi';
  readonly routes: readonly HttpRoute[] = [
    { path: ADMIN_PATH, accepts: (req) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? ''), handle: (req, res) => this.serveWire(req, res) },
    { path: SUBSCRIBE_PATH, handle: (req, res) => this.serveSubscribe(req, res) },
    { path: MESSAGES_PATH, handle: (req, res, url) => this.serveMessages(req, res, url) },
  ];
  /** The phones' wx.joinVoIPChat socket. */
  readonly upgrades: readonly UpgradeRoute[] = [{ path: VOIP_PATH, handle: (req, socket, head) => this.voip.upgrade(req, socket, head) }];
  private readonly templates: SubscribeTemplates;
  private readonly voip: VoipChats;
  /** Unused acceptances by `openid \n templateId`: each lets one message through. */
  private readonly grants = new Map<string, number>();
  /** The users who met WeChat's subscription panel here: the openids this local cloud knows. */
  private readonly users = new Set<string>();
  private readonly records: SentMessage[] = [];
  /** Message ids as large as WeChat's (beyond 2^53: the SDK parses them with json-bigint). */
  private nextMsgId = BigInt('1988810812324364291');

  constructor(private readonly options: OpenApiOptions) {
    this.templates = options.templates ?? DEFAULT_TEMPLATES;
    this.voip = new VoipChats(options.voip ?? LOCAL_VOIP_SIGNER, options.now);
  }

  /** Refuses bad templates here, not in the constructor: the registry then stops what had started. */
  async start(): Promise<void> {
    checkTemplates(this.templates);
  }

  async stop(): Promise<void> {
    this.voip.stop();
  }

  getInfo(): Record<string, unknown> {
    return { templates: Object.keys(this.templates), sent: this.records.length, ...this.voip.info() };
  }

  /** The messages sent so far, oldest first. */
  sent(): readonly SentMessage[] {
    return this.records;
  }

  /** wx.requestSubscribeMessage for `openid`: answers per template and grants one message per 'accept'. */
  requestSubscribe(openid: string, tmplIds: readonly unknown[], answers: Readonly<Record<string, SubscribeAnswer>> = {}): Record<string, string> {
    const results = answerRequest(this.templates, tmplIds, (id) => answers[id] ?? 'accept');
    this.users.add(openid);
    for (const [id, result] of results) {
      if (result === 'accept') this.grants.set(`${openid}\n${id}`, (this.grants.get(`${openid}\n${id}`) ?? 0) + 1);
    }
    return { errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(results) };
  }

  /** subscribeMessage.send: WeChat's JSON answer (as text: msgid is a bigint), spending one grant on success. */
  private send(p: SendParams): string {
    const refused = refuseSend(this.templates, (openid) => this.users.has(openid), p);
    if (refused) return JSON.stringify({ errcode: refused.errcode, errmsg: `${refused.errmsg} rid: ${rid()}` });
    const key = `${p.touser as string}\n${p.template_id as string}`;
    const left = this.grants.get(key) ?? 0;
    if (left === 0) return JSON.stringify({ errcode: 43101, errmsg: `user refuse to accept the msg rid: ${rid()}` });
    this.grants.set(key, left - 1);
    this.records.push({
      touser: p.touser as string,
      templateId: p.template_id as string,
      ...(p.page === undefined ? {} : { page: p.page as string }),
      data: p.data as SentMessage['data'],
      miniprogramState: (p.miniprogram_state as SentMessage['miniprogramState'] | undefined) ?? 'formal',
      lang: (p.lang as string | undefined) ?? 'zh_CN',
      time: this.options.now(),
    });
    return `{"errcode":0,"errmsg":"ok","msgid":${this.nextMsgId++}}`;
  }

  /** One openapi call's reply body, or a TcbFailure. */
  private call(req: http.IncomingMessage, body: Buffer): Buffer {
    const auth = req.headers.authorization;
    // As the Admin API: a signature must be there; it is not verified.
    if (typeof auth !== 'string' || !auth.startsWith('TC3-HMAC-SHA256 ') || !auth.includes('Credential=')) throw new TcbFailure('SIGN_PARAM_INVALID', 'missing or malformed Authorization header (TC3-HMAC-SHA256 expected)');
    let form: Map<string, Buffer>;
    try {
      form = parseMultipart(body, req.headers['content-type'] ?? '');
    } catch (err) {
      throw new TcbFailure('INVALID_PARAM', (err as Error).message);
    }
    const field = (name: string): string => form.get(name)?.toString('utf8') ?? '';
    if (field('action') !== 'wx.openApi') throw new TcbFailure('INVALID_ACTION', `action ${field('action') || '(none)'} is not served by the local cloud`);
    if (field('envName') !== '' && field('envName') !== this.options.envId) throw new TcbFailure('INVALID_ENV', `env ${field('envName')} is not served here (this local cloud is ${this.options.envId})`);
    const data = decodeCommApiData(form.get('requestData') ?? Buffer.alloc(0));
    if (data.appid) throw new TcbFailure('INVALID_PARAM', 'openapi for another appid (resource sharing) is not served by the local cloud');
    if (data.apiType === API_TYPE.OPEN_API && field('apiName') === 'subscribeMessage.send') {
      const params: Record<string, unknown> = {};
      try {
        for (const [key, text] of data.pairs) params[key] = JSON.parse(text) as unknown;
      } catch {
        throw new TcbFailure('INVALID_PARAM', 'an openapi parameter is not JSON');
      }
      return encodeCommOpenApiResp(Buffer.from(this.send(params)), 'application/json; encoding=utf-8');
    }
    if (data.apiType === API_TYPE.SVRKIT_API && data.svrkit?.apiName === 'ApiVoipSign') {
      // The user is the invocation's, named by the token node-sdk sends (the platform's WX_API_TOKEN).
      const signed = signVoip(this.options.voip ?? LOCAL_VOIP_SIGNER, data.svrkit.reqData, openidOfApiToken(field('wxCloudApiToken')));
      // WeChat's own refusal here is not documented: the local cloud answers CloudBase's invalid parameters.
      if (typeof signed === 'string') throw new TcbFailure('INVALID_PARAM', signed);
      return encodeCommOpenApiResp(signed, 'application/octet-stream');
    }
    throw new TcbFailure('INVALID_ACTION', `openapi ${field('apiName') || '(none)'} is not served by the local cloud`);
  }

  private async serveWire(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    expectMethod(req, 'POST');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    try {
      if (size > MAX_BODY_BYTES) throw new TcbFailure('INVALID_PARAM', 'request body too large');
      const reply = this.call(req, Buffer.concat(chunks));
      // Not 'application/json; charset=utf-8': node-sdk would parse the bytes as JSON (handleWxOpenApiData).
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': reply.length });
      res.end(reply);
    } catch (err) {
      if (!(err instanceof TcbFailure)) throw err;
      // CloudBase's error body, always HTTP 200 (as the Admin API answers).
      sendJson(res, 200, { code: err.code, message: err.message, requestId: randomUUID() });
    }
  }

  private async serveSubscribe(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    expectMethod(req, 'POST');
    const openid = openidOf(req);
    if (openid === '') throw badRequest('requestSubscribeMessage:fail no user (x-wx-openid)');
    const body = parseBody(subscribeBody, await readJson(req));
    try {
      sendJson(res, 200, this.requestSubscribe(openid, body.tmplIds, body.answers));
    } catch (err) {
      if (err instanceof SubscribeRequestError) throw new HttpError(400, { errCode: err.errCode, errMsg: err.message });
      throw err;
    }
  }

  private serveMessages(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    expectMethod(req, 'GET');
    const touser = url.searchParams.get('touser');
    sendJson(res, 200, { messages: this.records.filter((m) => touser === null || m.touser === touser) });
  }
}
