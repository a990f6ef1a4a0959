/**
 * Checks a Tencent Cloud API 3.0 request signature (TC3-HMAC-SHA256), as
 * @cloudbase/manager-node 5.6.5 computes it (lib/utils/cloud-api-request.js `getRequestSign`):
 * canonical request `POST\n<path>\n<query>\ncontent-type:application/json\nhost:<hostname>\n\n
 * content-type;host\n<sha256 hex of the body>`, string to sign `TC3-HMAC-SHA256\n<timestamp>\n
 * <date>/<service>/tc3_request\n<sha256 hex of the canonical request>`, key chain
 * `HMAC("TC3"+secretKey, date) → service → "tc3_request"`. Tencent Cloud refuses a timestamp more
 * than 5 minutes off (公共参数 X-TC-Timestamp: "如果与服务器时间相差超过5分钟，会引起签名过期错误").
 */
import crypto from 'crypto';

/** The keys the local management API accepts. */
export interface ManagerCredentials {
  secretId: string;
  secretKey: string;
}

/** Why a signature was refused, as Tencent Cloud's common error codes name it. */
export type SignatureFailure = { code: 'AuthFailure.SignatureFailure' | 'AuthFailure.SecretIdNotFound' | 'AuthFailure.SignatureExpire'; message: string };

/** What the check needs of a request. */
export interface SignedRequest {
  authorization: string | undefined;
  /** X-TC-Timestamp, seconds. */
  timestamp: string | undefined;
  /** The Host header (the port is not signed: the signer uses the URL's hostname). */
  host: string | undefined;
  contentType: string | undefined;
  path: string;
  query: string;
  body: string;
}

const MAX_SKEW_S = 300;

const hmac = (key: crypto.BinaryLike, message: string): Buffer => crypto.createHmac('sha256', key).update(message).digest();
const sha256hex = (message: string): string => crypto.createHash('sha256').update(message).digest('hex');

/** The UTC date of a timestamp in seconds, `YYYY-MM-DD` (the credential scope's date). */
function utcDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** Null when `req` is signed by `keys` for `service` within 5 minutes of `nowMs`; otherwise why not. */
export function checkTc3Signature(req: SignedRequest, keys: ManagerCredentials, service: string, nowMs: number): SignatureFailure | null {
  const fail = (code: SignatureFailure['code'], message: string): SignatureFailure => ({ code, message });
  const m = /^TC3-HMAC-SHA256 Credential=([^/, ]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
    req.authorization ?? '',
  );
  if (!m) return fail('AuthFailure.SignatureFailure', 'Authorization is not a TC3-HMAC-SHA256 signature');
  const [, secretId, date, scopeService, signedHeaders, signature] = m;
  if (secretId !== keys.secretId) return fail('AuthFailure.SecretIdNotFound', `SecretId ${secretId} is not known to this local cloud`);
  const timestamp = Number(req.timestamp);
  if (!Number.isSafeInteger(timestamp)) return fail('AuthFailure.SignatureFailure', 'X-TC-Timestamp is missing or not an integer');
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_S) return fail('AuthFailure.SignatureExpire', 'X-TC-Timestamp is more than 5 minutes off');
  if (date !== utcDate(timestamp) || scopeService !== service) return fail('AuthFailure.SignatureFailure', 'the credential scope does not match');
  if (signedHeaders !== 'content-type;host') return fail('AuthFailure.SignatureFailure', 'SignedHeaders must be content-type;host');
  const hostname = (req.host ?? '').replace(/:\d+$/, '');
  const canonical = `POST\n${req.path}\n${req.query}\ncontent-type:${req.contentType ?? ''}\nhost:${hostname}\n\n${signedHeaders}\n${sha256hex(req.body)}`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256hex(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${keys.secretKey}`, date), service), 'tc3_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return fail('AuthFailure.SignatureFailure', 'the signature does not match the request');
  }
  return null;
}
