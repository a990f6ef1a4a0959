/**
 * The local cloud's HTTP and WebSocket messages: one zod schema per message, shared by the server
 * (which validates everything it receives) and the client (which builds them). Conditions travel
 * as Mongo-style queries, as the vendor SDKs send them (database/translate.ts).
 */
import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());
const name = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -');
const docId = z.string().min(1).max(256);
const orderBy = z.array(z.tuple([z.string().min(1).max(256), z.enum(['asc', 'desc'])])).max(10);

/** The header carrying the simulated WeChat user (a local cloud has no WeChat login). */
export const OPENID_HEADER = 'x-wx-openid';
/** An openid as the local cloud accepts it ('' = no user). */
export const openidSchema = z.string().max(128);

/** POST /v1/functions/:name */
export const callFunctionBody = z.object({ data: jsonObject.optional() }).strict();

/** POST /v1/admin/clock */
export const clockBody = z.object({ advanceMs: z.number().finite().min(0).max(10 * 365 * 24 * 3600 * 1000) }).strict();

/** What a client watches: a CloudBase condition (`query`) plus ordering, limit or one document. */
export const watchSpecWire = z
  .object({
    collection: name,
    query: jsonObject.optional(),
    orderBy: orderBy.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    docId: docId.optional(),
  })
  .strict();
/** A watch spec on the wire. */
export type WatchSpecWire = z.infer<typeof watchSpecWire>;

const watchId = z.string().min(1).max(64);

/** Client → server over WS /v1/watch. */
export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('watch'), watchId, spec: watchSpecWire }).strict(),
  z.object({ type: z.literal('close'), watchId }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
/** A client → server watch message. */
export type ClientMessage = z.infer<typeof clientMessage>;

/** One docChange on the wire (CloudBase's ISingleDBEvent). */
export interface WireDocChange {
  id: number;
  queueType: 'init' | 'enqueue' | 'dequeue' | 'update';
  dataType: 'init' | 'update' | 'replace' | 'add' | 'remove' | 'limit';
  docId: string;
  doc: Record<string, unknown>;
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
}

/** A watch message: only `init` carries docs; later ones carry changes (the client keeps the docs). */
export type WireSnapshot =
  | { type: 'init'; id: number; docChanges: WireDocChange[]; docs: Array<Record<string, unknown>> }
  | { type: 'change'; id: number; docChanges: WireDocChange[] };

/** Server → client over WS /v1/watch. */
export type ServerMessage =
  | { type: 'snapshot'; watchId: string; snapshot: WireSnapshot }
  | { type: 'error'; watchId?: string; error: { errCode: number; errMsg: string } }
  | { type: 'closed'; watchId: string }
  | { type: 'pong' };

/** The error body every failing route answers with (wx.cloud's error shape). */
export interface ErrorBody {
  errCode: number;
  errMsg: string;
}

/** CloudBase's "invalid parameters" code, for any malformed request. */
export const INVALID_PARAMETERS = -501007;

/** A one-line description of the first problem zod found. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
}
