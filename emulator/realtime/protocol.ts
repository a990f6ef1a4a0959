/**
 * The messages of CloudBase's realtime protocol, as @cloudbase/database 1.4.3's realtime client
 * (src/realtime, typings/realtime.ts) sends and expects them. Every client message is validated
 * here before anything acts on it; the server's replies are typed so that a field the vendor
 * client reads cannot be misspelt (it reads `removedFields` in lower case, the rest capitalised).
 * PROTOCOL.md beside this file shows them with examples.
 */
import { z } from 'zod';
import type { DataType, QueueType } from '../watch/watch';

const requestId = z.string().min(1).max(128);
const watchId = z.string().min(1).max(128);
const collName = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -');
const queryID = z.string().min(1).max(128);
/** The client sends `currentEventId`, which starts one below the init's `currEvent` (so it may be 0). */
const eventID = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const envId = z.string().max(128);

/** LOGIN: authenticates the socket; `exMsgData.signStr` is the ticket `auth.wsWebSign` issued. */
const login = z.object({
  requestId,
  msgType: z.literal('LOGIN'),
  msgData: z.object({
    envId,
    accessToken: z.string().max(4096),
    referrer: z.string().max(32),
    sdkVersion: z.string().max(64),
    dataVersion: z.string().max(64),
  }),
  exMsgData: z
    .object({ runtime: z.string().max(64).optional(), signStr: z.string().max(4096), secretVersion: z.union([z.string(), z.number()]).optional() })
    .optional(),
});

/** INIT_WATCH: a new watch. `query` is JSON text (of EJSON text, for `where`); `orderBy` is field → direction. */
const initWatch = z.object({
  watchId,
  requestId,
  msgType: z.literal('INIT_WATCH'),
  msgData: z.object({
    envId,
    collName,
    query: z.string().max(256 * 1024).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    orderBy: z.record(z.string().min(1).max(256), z.enum(['asc', 'desc'])).optional(),
  }),
});

/** REBUILD_WATCH: resume watch `queryID` after the last event the client holds (`eventID`). */
const rebuildWatch = z.object({ watchId, requestId, msgType: z.literal('REBUILD_WATCH'), msgData: z.object({ envId, collName, queryID, eventID }) });

/** CHECK_LAST: the client's periodic "I hold everything up to `eventID`". */
const checkLast = z.object({ watchId, requestId, msgType: z.literal('CHECK_LAST'), msgData: z.object({ queryID, eventID }) });

const closeWatch = z.object({ watchId, requestId, msgType: z.literal('CLOSE_WATCH'), msgData: z.null() });
const ping = z.object({ requestId, msgType: z.literal('PING'), msgData: z.null() });

/** Everything a client may send. Unknown keys are tolerated (the vendor adds fields between versions). */
export const realtimeRequest = z.discriminatedUnion('msgType', [login, initWatch, rebuildWatch, checkLast, closeWatch, ping]);
/** A validated client message. */
export type RealtimeRequest = z.infer<typeof realtimeRequest>;
/** One kind of client message. */
export type RealtimeRequestOf<T extends RealtimeRequest['msgType']> = Extract<RealtimeRequest, { msgType: T }>;

/**
 * One event on the wire (the vendor's IDBEvent). `Doc` is the document as JSON text, '' when the
 * client already holds it (it fills it in from its own copy); `UpdatedFields` and `removedFields`
 * are JSON text too, present on `update` events only.
 */
export interface DbEvent {
  ID: number;
  DataType: DataType;
  QueueType: QueueType;
  DocID: string;
  Doc: string;
  UpdatedFields?: string;
  removedFields?: string;
}

/**
 * The codes the vendor client distinguishes in ERROR messages (typings/realtime.ts), and ours,
 * INVALID_PARAMETERS, for a message that fails validation (the vendor treats unknown codes as not retryable).
 */
export type RealtimeErrorCode =
  | 'SYS_ERR' | 'CHECK_LOGIN_FAILED' | 'SIGN_INVALID_ERROR' | 'SIGN_EXPIRED_ERROR' | 'INVALIID_ENV' | 'SIGN_PARAM_INVALID'
  | 'COLLECTION_PERMISSION_DENIED' | 'QUERYID_INVALID_ERROR' | 'INVALID_PARAMETERS';

/** Everything the server sends. `requestId` answers a request, or is fresh on a pushed event. */
export type RealtimeReply =
  | { requestId: string; msgType: 'LOGIN_RES'; msgData: { envId: string; code?: RealtimeErrorCode; message?: string } }
  | { watchId: string; requestId: string; msgType: 'INIT_EVENT' | 'NEXT_EVENT'; msgData: { queryID: string; currEvent: number; events: DbEvent[] } }
  | { watchId: string; requestId: string; msgType: 'CHECK_EVENT'; msgData: { queryID: string; currEvent: number } }
  | { requestId: string; msgType: 'PONG'; msgData: null }
  | { watchId?: string; requestId: string; msgType: 'ERROR'; msgData: { code: RealtimeErrorCode; message: string } };
