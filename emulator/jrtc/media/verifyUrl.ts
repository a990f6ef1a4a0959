/**
 * Checks a media request's signed URL the way the configured provider's server would, with our own
 * verifiers (shared/signers), never node-media-server's (which lets everyone in when its secret is
 * empty and only knows its own format), with the keys the jrtc function signs with (mediaAuthFromEnv).
 */
import { constantTimeEqual } from '../../../shared/constantTime';
import { verifyNmsSign, verifyTencentTxSecret } from '../../../shared/signers';
import type { MediaProvider } from '../../../shared/signers';
import { loadConfig, type TrtcApp } from '../../../shared/functionConfig';
import { md5Hex } from '../../../shared/signers/input';
import { ErrorCode, ProtocolError } from '../../../shared';

/** What the media server verifies with: the jrtc function's provider, keys and app. */
export interface MediaAuthConfig {
  provider: MediaProvider;
  /** Verifies publish requests (JRTC_PUSH_KEY). */
  pushKey: string;
  /** Verifies play requests (JRTC_PULL_KEY). */
  pullKey: string;
  /** The one application path segment served (JRTC_MEDIA_APP). */
  app: string;
  /** The TRTC application `room://` entries are checked with (trtcLocal.ts; JRTC_TRTC_*), or null. */
  trtc?: TrtcApp | null;
}

/**
 * Provider, keys and app exactly as the jrtc function resolves them from `env` (its cloudbaserc.json
 * envVariables under the local overrides), so the server checks what the function signs. Throws
 * ProtocolError CONFIG_ERROR for an invalid config or an empty key: a media server that cannot
 * verify must not start (it would have to let everyone in).
 */
export function mediaAuthFromEnv(env: Readonly<Record<string, string | undefined>>): MediaAuthConfig {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw loaded.error;
  const { mediaProvider, pushKey, pullKey, mediaApp, trtc } = loaded.config;
  if (!pushKey || !pullKey) {
    throw new ProtocolError(ErrorCode.CONFIG_ERROR, 'media server: set JRTC_PUSH_KEY (and optionally JRTC_PULL_KEY) to verify URLs');
  }
  return { provider: mediaProvider, pushKey, pullKey, app: mediaApp, trtc };
}

/** One publish or play request, as the media server received it. */
export interface MediaRequest {
  action: 'publish' | 'play';
  /** 'rtmp' for RTMP, 'flv' for HTTP-FLV and WS-FLV. */
  protocol: 'rtmp' | 'flv';
  app: string;
  stream: string;
  query: Record<string, string | string[] | undefined>;
  nowSeconds: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const ALIYUN_AUTH_KEY = /^(\d{1,15})-([A-Za-z0-9]{1,64})-([A-Za-z0-9]{1,64})-([0-9a-f]{32})$/;

/** A single query value; repeated or missing parameters are refused (a signature has one value). */
function single(query: MediaRequest['query'], name: string): string | null {
  const value = query[name];
  return typeof value === 'string' ? value : null;
}

/**
 * Aliyun type A, checked as its CDN does: md5 over "<uri>-<ts>-<rand>-<uid>-<key>", uri being
 * "/app/stream" for RTMP and "/app/stream.flv" for HTTP-FLV; refused once ts is before now.
 */
function verifyAliyunAuthKey(uri: string, authKey: string, key: string, nowSeconds: number): boolean {
  const match = ALIYUN_AUTH_KEY.exec(authKey);
  if (!match || key.length === 0) return false;
  const [, ts, rand, uid, hash] = match;
  if (Number(ts) < Math.floor(nowSeconds)) return false;
  return constantTimeEqual(md5Hex(`${uri}-${ts}-${rand}-${uid}-${key}`), hash);
}

/**
 * Null when `request` is authorised, else why it is refused (for the log). Refuses another app,
 * a malformed name, a missing, repeated, expired or wrong signature, and everything when the
 * relevant key is empty.
 */
export function refusalOf(config: MediaAuthConfig, request: MediaRequest): string | null {
  const { app, stream, query, nowSeconds } = request;
  if (app !== config.app) return `app ${JSON.stringify(app)} is not served (only ${config.app})`;
  if (!NAME.test(stream)) return 'malformed stream name';
  const key = request.action === 'publish' ? config.pushKey : config.pullKey;
  if (key.length === 0) return `no ${request.action === 'publish' ? 'push' : 'pull'} key configured`;
  const path = `/${app}/${stream}`;
  let ok: boolean;
  switch (config.provider) {
    case 'nms': {
      const sign = single(query, 'sign');
      ok = sign !== null && verifyNmsSign(path, sign, key, nowSeconds);
      break;
    }
    case 'tencent-css': {
      const secret = single(query, 'txSecret');
      const time = single(query, 'txTime');
      ok = secret !== null && time !== null && verifyTencentTxSecret(stream, secret, time, key, nowSeconds);
      break;
    }
    case 'aliyun-a': {
      const authKey = single(query, 'auth_key');
      const uri = request.protocol === 'flv' ? `${path}.flv` : path;
      ok = authKey !== null && verifyAliyunAuthKey(uri, authKey, key, nowSeconds);
      break;
    }
  }
  return ok ? null : `${config.provider} signature missing, expired or wrong`;
}
