/**
 * One realtime query (a `queryID`): a watch of the engine (watch.ts, so matching, ordering, the
 * rules and the 5,000-document cap are the engine's), numbered events, and a short log of them so
 * that a client which lost its socket can REBUILD_WATCH from the last event it holds instead of
 * starting over. A query outlives its socket for a while for that reason; a client that comes
 * back later, or asks for events older than the log, is told QUERYID_INVALID_ERROR and starts a
 * new watch (the vendor client then reports the error and the SDK re-watches).
 */
import { CloudErrors } from '../cloudErrors';
import crypto from 'crypto';
import { DATE_KEY, isStoredDate } from '../database/ejson';
import type { DocChange, WatchError, WatchHandle, WatchService, WatchSpec } from '../watch/watch';
import type { DbEvent, RealtimeErrorCode, RealtimeReply } from './protocol';

/** How long a query waits for its client to reconnect. */
export const DETACHED_TTL_MS = 60_000;
/** How many event messages a query keeps for REBUILD_WATCH. */
export const EVENT_LOG_LIMIT = 500;
/** The first event number of every query: its INIT_EVENT's `currEvent`. */
export const FIRST_EVENT = 1;

const DENIED = CloudErrors.DATABASE_PERMISSION_DENIED.errCode;
const INVALID = CloudErrors.INVALID_PARAM.errCode;

/** Where a query's messages go while a socket holds it. */
export type ReplySink = (reply: RealtimeReply) => void;

/** The engine's error code as the protocol's (the vendor only branches on a few of them). */
function errorCode(e: WatchError): RealtimeErrorCode {
  if (e.errCode === DENIED) return 'COLLECTION_PERMISSION_DENIED';
  return e.errCode === INVALID ? 'INVALID_PARAMETERS' : 'SYS_ERR';
}

/** A fresh request id for a message the server pushes (never one a client waits for). */
export const pushId = (): string => `push_${crypto.randomUUID()}`;

/**
 * A document or a field map as the text the vendor client reads: it `JSON.parse`s `Doc` and
 * `UpdatedFields` (virtual-websocket-client.js), not EJSON, so a date reaches the page as an object
 * whatever the server sends. Which object CloudBase's realtime server sends is not documented; we
 * send the `{"$date": <ms>}` form Tencent's database console shows a date in, never our store's own
 * `#date` key.
 */
const text = (value: Record<string, unknown>): string =>
  JSON.stringify(value, (_key, v: unknown) => (isStoredDate(v) ? { $date: v[DATE_KEY] } : v));

/**
 * Whether the client rebuilds this change's document itself (CloudBase sends `Doc: ''` for these).
 * Never for a `replace` (a doc(id).set() over an existing document): the vendor client closes the
 * watch with "full doc is not provided with dataType=\"replace\"" when `Doc` is empty, whatever the
 * queueType, and takes the sent document as it is (@cloudbase/database
 * dist/commonjs/realtime/virtual-websocket-client.js `_handleServerEvents`, `case 'replace'`).
 */
function clientHoldsDoc(c: DocChange): boolean {
  if (c.dataType === 'remove') return true;
  if (c.dataType === 'update') return c.queueType === 'update' || c.queueType === 'dequeue';
  return c.dataType === 'limit' && c.queueType === 'dequeue';
}

/**
 * One engine change (watch.ts) as a protocol event numbered `id` (the watch's own event number).
 * The engine decides what changed; this only says it in the vendor's words, and leaves `Doc` empty
 * where the client already holds the document (an update inside the result, a removal, a document
 * pushed out of a limited window): the vendor client rebuilds it from its own copy there, as it does
 * against CloudBase (an update sends `UpdatedFields` / `removedFields` and the client applies them).
 */
export function toDbEvent(c: DocChange, id: number): DbEvent {
  const event: DbEvent = {
    ID: id,
    DataType: c.dataType,
    QueueType: c.queueType,
    DocID: c.docId,
    Doc: clientHoldsDoc(c) ? '' : text(c.doc),
  };
  // Only an update has fields: `getPublicEvent` reads UpdatedFields / removedFields for
  // DataType 'update' alone, so a replace carries none.
  if (c.dataType === 'update') {
    event.UpdatedFields = text(c.updatedFields ?? {});
    // Lower case: the vendor client reads `removedFields` (a TODO in its source awaits the rename).
    event.removedFields = JSON.stringify(c.removedFields ?? []);
  }
  return event;
}

/** One query of one user. */
export class QuerySession {
  readonly queryID = crypto.randomUUID();
  private currEvent = FIRST_EVENT;
  /** Event messages after the init, oldest first. */
  private readonly log: DbEvent[][] = [];
  private handle: WatchHandle | null = null;
  private watchId = '';
  private sink: ReplySink | null = null;
  /** Tells the socket holding the query that it ended. */
  private release: (() => void) | null = null;
  private initRequestId: string | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    readonly openid: string,
    readonly collection: string,
    /** Called once when the query ends (closed, failed or expired). */
    private readonly onEnd: (session: QuerySession) => void,
  ) {}

  /** Starts the engine's watch; the INIT_EVENT (or an ERROR) answers INIT_WATCH `initRequestId`. */
  start(service: WatchService, spec: WatchSpec, initRequestId: string): void {
    this.initRequestId = initRequestId;
    this.handle = service.register(
      spec,
      {
        snapshot: (message) => {
          if (message.type === 'init') {
            const events = message.docChanges.map((c) => toDbEvent(c, FIRST_EVENT));
            this.reply('INIT_EVENT', this.initRequestId ?? pushId(), events);
            this.initRequestId = null;
            return;
          }
          this.currEvent += 1;
          const events = message.docChanges.map((c) => toDbEvent(c, this.currEvent));
          this.log.push(events);
          if (this.log.length > EVENT_LOG_LIMIT) this.log.shift();
          this.reply('NEXT_EVENT', pushId(), events);
        },
        error: (error) => {
          this.sink?.({
            watchId: this.watchId,
            requestId: this.initRequestId ?? pushId(),
            msgType: 'ERROR',
            msgData: { code: errorCode(error), message: `${error.errCode} ${error.errMsg}` },
          });
          this.end();
        },
      },
      { openid: this.openid },
    );
  }

  /** The event number the client should hold. */
  get current(): number {
    return this.currEvent;
  }

  /**
   * The events after `eventID`, or null when the log no longer reaches back that far (or `eventID`
   * is one the query never sent).
   */
  eventsAfter(eventID: number): DbEvent[] | null {
    const missed = this.currEvent - eventID;
    if (missed < 0 || missed > this.log.length) return null;
    return this.log.slice(this.log.length - missed).flat();
  }

  /** A socket takes the query (first, or after a reconnect); `release` tells it when the query ends. */
  attach(watchId: string, sink: ReplySink, release: () => void): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    this.watchId = watchId;
    this.sink = sink;
    this.release = release;
  }

  /** Socket `from` is gone: if it still held the query, keep logging for a while, then end. */
  detach(from: ReplySink): void {
    if (this.sink !== from) return;
    this.sink = null;
    this.release = null;
    if (this.ended || this.expiry) return;
    this.expiry = setTimeout(() => this.end(), DETACHED_TTL_MS);
    this.expiry.unref();
  }

  /** Stops the engine's watch; idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.expiry) clearTimeout(this.expiry);
    this.handle?.close();
    this.sink = null;
    this.release?.();
    this.release = null;
    this.onEnd(this);
  }

  private reply(msgType: 'INIT_EVENT' | 'NEXT_EVENT', requestId: string, events: DbEvent[]): void {
    this.sink?.({ watchId: this.watchId, requestId, msgType, msgData: { queryID: this.queryID, currEvent: this.currEvent, events } });
  }
}
