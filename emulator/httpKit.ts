/**
 * What every service's HTTP routes share: reading a bounded JSON body, validating it, answering
 * JSON, and turning any error into wx.cloud's `{errCode, errMsg}` answer from the one table of
 * CloudBase errors (cloudErrors.ts). A malformed request gets a 4xx answer, never a crash.
 */
import type http from 'http';
import type { z } from 'zod';
import { CloudErrors, statusOf } from './cloudErrors';
import { NOT_JSON, parseJson } from './store/docData';
import { OPENID_HEADER, describeIssues, openidSchema, type ErrorBody } from './wire';

/** The largest request body (CloudBase's synchronous event limit). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** An error answer: status and wx.cloud-shaped body. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.errMsg);
  }
}

/** A malformed request (CloudBase's invalid parameters, HTTP 400). */
export function badRequest(errMsg: string): HttpError {
  return new HttpError(400, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg });
}

/** A response body already serialised. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Answers `body` as JSON. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body === undefined ? {} : body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Answers a thrown error: an HttpError as it is; an error carrying CloudBase's `errCode` and
 * `errMsg` (DatabaseError, PermissionDeniedError, ...) with the table's status for that number;
 * anything else as the system error it is, logged.
 */
export function sendError(res: http.ServerResponse, err: unknown, log: (line: string) => void, what: string): void {
  if (err instanceof HttpError) return sendJson(res, err.status, err.body);
  const e = err as { errCode?: unknown; errMsg?: unknown } | null;
  if (typeof e?.errCode === 'number' && typeof e.errMsg === 'string') return sendJson(res, statusOf(e.errCode), { errCode: e.errCode, errMsg: e.errMsg });
  log(`[server] ${what} failed: ${(err as Error)?.stack ?? String(err)}`);
  sendJson(res, CloudErrors.SYS_ERR.status, { errCode: CloudErrors.SYS_ERR.errCode, errMsg: CloudErrors.SYS_ERR.message });
}

/** Refuses any method but these with 405 (`use` the first). */
export function expectMethod(req: http.IncomingMessage, ...methods: string[]): void {
  if (!methods.includes(req.method ?? '')) throw new HttpError(405, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg: `use ${methods[0]}` });
}

/** A percent-decoded path segment. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest('malformed path');
  }
}

/** The simulated WeChat user of a request (its x-wx-openid header; '' = none). */
export function openidOf(req: http.IncomingMessage): string {
  const header = req.headers[OPENID_HEADER];
  const parsed = openidSchema.safeParse(typeof header === 'string' ? header : '');
  if (!parsed.success) throw badRequest(`${OPENID_HEADER}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** `value` checked against `schema`, or a 400. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads a JSON body (empty = `{}`), refusing oversized (413) or malformed (400) ones. */
export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  return (await readJsonText(req)).value;
}

/** A request's whole body as text, or null when it is larger than MAX_BODY_BYTES. */
export async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large: answering mid-upload would reset the client's connection.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

/** readJson, with the body's text as well (trimmed; '{}' for an empty body). */
export async function readJsonText(req: http.IncomingMessage): Promise<{ text: string; value: unknown }> {
  const body = await readBody(req);
  if (body === null) throw new HttpError(413, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg: 'request body too large' });
  const text = body.trim();
  if (text === '') return { text: '{}', value: {} };
  const value = parseJson(text);
  if (value === NOT_JSON) throw badRequest('body is not valid JSON');
  return { text, value };
}
