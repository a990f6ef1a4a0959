import MD5 from 'crypto-js/md5';
import Hex from 'crypto-js/enc-hex';
import Utf8 from 'crypto-js/enc-utf8';
import { Limits, Patterns } from '../constants';
import { ErrorCode, ProtocolError } from '../errors';

/** The media services we can sign URLs for. */
export type MediaProvider = 'nms' | 'tencent-css' | 'aliyun-a';

/** Every provider, in a stable order (for CLI help, config validation). */
export const MEDIA_PROVIDERS: readonly MediaProvider[] = ['nms', 'tencent-css', 'aliyun-a'];

/** True when `value` names a provider we can sign for. */
export function isMediaProvider(value: unknown): value is MediaProvider {
  return typeof value === 'string' && (MEDIA_PROVIDERS as readonly string[]).includes(value);
}

/** What a push or pull URL is signed from. */
export interface SignInput {
  provider: MediaProvider;
  /** The provider's signing secret (Tencent "KEY", Aliyun "PrivateKey", node-media-server `auth.secret`). */
  key: string;
  /** Host name, optionally with `:port`; no scheme, no path. */
  domain: string;
  /** The application segment of the stream path (`live` on Tencent and Aliyun by default). */
  app: string;
  /** The stream name. */
  stream: string;
  /** Expiry, unix seconds. */
  expireAt: number;
  /** Aliyun type A `rand` (default "0"). Ignored by other providers. */
  rand?: string;
  /** Aliyun type A `uid` (default "0"). Ignored by other providers. */
  uid?: string;
  /** Scheme of the HTTP pull URLs; default https, except nms which serves plain http. */
  scheme?: 'http' | 'https';
  /**
   * Port of the HTTP pull URLs (FLV/HLS) when the media server serves them on another port than RTMP,
   * as a self-hosted node-media-server does (RTMP 1935, HTTP 8000). The host stays `domain`'s.
   */
  httpPort?: number;
}

/** The three pull URLs of one stream. */
export interface PullUrls {
  rtmp: string;
  flv: string;
  hls: string;
}

/** Stream and app names: what node-media-server 4 accepts (its SAFE_NAME_PATTERN) and CDNs pass untouched. */
const NAME = /^[A-Za-z0-9_-]+$/;
const NAME_MAX = 128;
/** A host name with an optional port, as shared/common.ts domainSchema has it. */
/** Aliyun joins rand and uid with '-' into auth_key, so they must not contain one. */
const ALIYUN_PART = /^[A-Za-z0-9]+$/;
const ALIYUN_PART_MAX = 64;
/** Unix seconds fit in 32 bits until 2106; anything larger is almost surely milliseconds. */
const EXPIRE_MAX = 2 ** 32;

function bad(field: keyof SignInput, message: string): ProtocolError {
  return new ProtocolError(ErrorCode.BAD_REQUEST, message, { field });
}

/** Throws BAD_REQUEST unless `value` is a stream or app name. */
export function checkName(field: 'app' | 'stream', value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > NAME_MAX || !NAME.test(value)) {
    throw bad(field, `${field} must be 1-${NAME_MAX} characters of [A-Za-z0-9_-], got ${JSON.stringify(value)}`);
  }
}

/** Throws BAD_REQUEST unless `value` is a usable signing key. */
export function checkKey(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw bad('key', 'key must be a non-empty string');
}

/** Throws BAD_REQUEST unless `value` is an Aliyun rand/uid part. */
export function checkAliyunPart(field: 'rand' | 'uid', value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length > ALIYUN_PART_MAX || !ALIYUN_PART.test(value)) {
    throw bad(field, `${field} must be 1-${ALIYUN_PART_MAX} letters or digits (no '-'), got ${JSON.stringify(value)}`);
  }
}

/**
 * Checks every field a signer reads and throws a ProtocolError BAD_REQUEST whose message names the
 * field (and whose details carry it, so a caller signing from its own config can report CONFIG_ERROR).
 */
export function checkSignInput(input: SignInput): void {
  if (input === null || typeof input !== 'object') throw new ProtocolError(ErrorCode.BAD_REQUEST, 'sign input missing');
  if (!isMediaProvider(input.provider)) {
    throw bad('provider', `provider must be one of ${MEDIA_PROVIDERS.join(', ')}, got ${JSON.stringify(input.provider)}`);
  }
  checkKey(input.key);
  if (typeof input.domain !== 'string' || input.domain.length > Limits.domainMaxLength || !Patterns.domain.test(input.domain)) {
    throw bad('domain', `domain must be a host name with an optional :port (no scheme, no path), got ${JSON.stringify(input.domain)}`);
  }
  checkName('app', input.app);
  checkName('stream', input.stream);
  if (!Number.isInteger(input.expireAt) || input.expireAt <= 0 || input.expireAt >= EXPIRE_MAX) {
    throw bad('expireAt', `expireAt must be unix seconds (a positive integer below 2^32), got ${JSON.stringify(input.expireAt)}`);
  }
  if (input.httpPort !== undefined && !(Number.isInteger(input.httpPort) && input.httpPort > 0 && input.httpPort < 65536)) {
    throw bad('httpPort', `httpPort must be a port from 1 to 65535, got ${JSON.stringify(input.httpPort)}`);
  }
  if (input.scheme !== undefined && input.scheme !== 'http' && input.scheme !== 'https') {
    throw bad('scheme', `scheme must be http or https, got ${JSON.stringify(input.scheme)}`);
  }
}

/** Throws unless `now` is a usable clock reading; verifiers compare whole seconds, as the servers do. */
export function wholeSeconds(now: number): number {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new ProtocolError(ErrorCode.BAD_REQUEST, `nowSeconds must be a finite number, got ${String(now)}`);
  }
  return Math.floor(now);
}

/** Throws CONFIG_ERROR for an empty verification key: accepting anything would be the only alternative. */
export function requireVerifyKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ProtocolError(ErrorCode.CONFIG_ERROR, 'media signing key is empty: refusing to verify against it');
  }
}

/** Lower-case hex MD5 of the UTF-8 bytes of `text` (all three providers sign with it). */
export function md5Hex(text: string): string {
  return MD5(Utf8.parse(text)).toString(Hex);
}
