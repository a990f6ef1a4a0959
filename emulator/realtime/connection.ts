/**
 * One realtime socket: LOGIN first (the ticket names the openid every watch on it reads as), then
 * any number of watches, each a QuerySession. A message that fails validation, comes before LOGIN
 * or names a query the socket may not use is answered with a typed ERROR and changes nothing.
 */
import { NOT_JSON, invalid, isPlainObject, parseJson } from '../store/docData';
import type { MongoQuery } from '../store/storeTypes';
import { decodeEjson, type DecodeContext } from '../database/ejson';
import { toStoreQuery } from '../database/translate';
import type { OrderBy, WatchService, WatchSpec } from '../watch/watch';
import { type RealtimeErrorCode, type RealtimeReply, type RealtimeRequestOf, realtimeRequest } from './protocol';
import { describeIssues } from '../wire';
import { QuerySession } from './querySession';
import type { LocalTokens } from './gateway';

/**
 * A watch condition has no server time to resolve `db.serverDate()` against (it is evaluated on
 * every later change, not once): refused rather than guessed.
 */
const noServerDate: DecodeContext = {
  now: () => {
    throw invalid('db.serverDate() in a watch condition is not supported by the local cloud');
  },
};

/**
 * A watch's `query` field as a store query: JSON text whose value is the condition itself
 * (`doc(id).watch`) or, for `where(...).watch`, the condition's EJSON text once more (the vendor
 * stringifies it twice); a collection's own watch sends "" (stringified) or nothing.
 */
function watchQuery(text: string | undefined): MongoQuery {
  if (text === undefined) return {};
  const outer = parseJson(text);
  if (outer === NOT_JSON) throw invalid('query: not JSON');
  if (outer === '') return {};
  const condition = typeof outer === 'string' ? decodeEjson(outer, 'query', noServerDate) : outer;
  return toStoreQuery(condition);
}

/** What a connection needs from its server. */
export interface ConnectionContext {
  watch: WatchService;
  tokens: LocalTokens;
  /** Queries by queryID, across sockets (REBUILD_WATCH may come on a new one). */
  queries: Map<string, QuerySession>;
}

/** The fields of a message usable in an ERROR about it, when it has them. */
function idsOf(raw: unknown): { requestId: string; watchId?: string } {
  const o = isPlainObject(raw) ? raw : {};
  return {
    requestId: typeof o.requestId === 'string' ? o.requestId : '',
    ...(typeof o.watchId === 'string' ? { watchId: o.watchId } : {}),
  };
}

/** The protocol side of one socket. */
export class RealtimeConnection {
  private openid: string | null = null;
  private envId = '';
  /** This socket's queries by watchId. */
  private readonly watches = new Map<string, QuerySession>();

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly send: (reply: RealtimeReply) => void,
  ) {}

  /** Handles one text frame. */
  receive(text: string): void {
    const raw = parseJson(text);
    if (raw === NOT_JSON) return this.error(idsOf(null), 'INVALID_PARAMETERS', 'message is not JSON');
    const parsed = realtimeRequest.safeParse(raw);
    if (!parsed.success) return this.error(idsOf(raw), 'INVALID_PARAMETERS', `invalid message: ${describeIssues(parsed.error)}`);
    const m = parsed.data;
    if (m.msgType === 'PING') return this.send({ requestId: m.requestId, msgType: 'PONG', msgData: null });
    if (m.msgType === 'LOGIN') return this.login(m);
    if (this.openid === null) return this.error(m, 'CHECK_LOGIN_FAILED', 'LOGIN first');
    switch (m.msgType) {
      case 'INIT_WATCH':
        return this.initWatch(m, this.openid);
      case 'REBUILD_WATCH':
        return this.rebuildWatch(m, this.openid);
      case 'CHECK_LAST': {
        const session = this.ownQuery(m.msgData.queryID, this.openid);
        if (!session) return this.error(m, 'QUERYID_INVALID_ERROR', `unknown queryID ${m.msgData.queryID}`);
        return this.send({ watchId: m.watchId, requestId: m.requestId, msgType: 'CHECK_EVENT', msgData: { queryID: session.queryID, currEvent: session.current } });
      }
      case 'CLOSE_WATCH':
        this.watches.get(m.watchId)?.end();
        return;
    }
  }

  /** The socket closed: its queries wait for a REBUILD_WATCH on another one. */
  closed(): void {
    for (const s of this.watches.values()) s.detach(this.send);
    this.watches.clear();
  }

  private login(m: RealtimeRequestOf<'LOGIN'>): void {
    const openid = this.ctx.tokens.verify(m.exMsgData?.signStr ?? '', 'ws');
    if (openid === null) {
      return this.send({
        requestId: m.requestId,
        msgType: 'LOGIN_RES',
        msgData: { envId: m.msgData.envId, code: 'SIGN_INVALID_ERROR', message: 'the ticket is not one this local cloud issued (auth.wsWebSign)' },
      });
    }
    // A socket is one user's: a second LOGIN may refresh the ticket, not change who reads.
    if (this.openid !== null && this.openid !== openid) return this.error(m, 'CHECK_LOGIN_FAILED', 'the socket is logged in as another user');
    this.openid = openid;
    this.envId = m.msgData.envId;
    this.send({ requestId: m.requestId, msgType: 'LOGIN_RES', msgData: { envId: this.envId } });
  }

  private initWatch(m: RealtimeRequestOf<'INIT_WATCH'>, openid: string): void {
    if (this.watches.has(m.watchId)) return this.error(m, 'INVALID_PARAMETERS', 'watchId already in use');
    let spec: WatchSpec;
    try {
      const query = watchQuery(m.msgData.query);
      const keys = Object.keys(query);
      // `doc(id).watch()` sends the condition {_id: id}: watch that one document.
      const docId = keys.length === 1 && typeof query._id === 'string' ? query._id : undefined;
      const orderBy: OrderBy | undefined = m.msgData.orderBy ? Object.entries(m.msgData.orderBy) : undefined;
      spec = { collection: m.msgData.collName, query, orderBy, limit: m.msgData.limit, docId };
    } catch (err) {
      return this.error(m, 'INVALID_PARAMETERS', `invalid query: ${(err as Error).message}`);
    }
    const { queries } = this.ctx;
    const session = new QuerySession(openid, m.msgData.collName, (s) => queries.delete(s.queryID));
    queries.set(session.queryID, session);
    this.hold(m.watchId, session);
    session.start(this.ctx.watch, spec, m.requestId);
  }

  private rebuildWatch(m: RealtimeRequestOf<'REBUILD_WATCH'>, openid: string): void {
    const session = this.ownQuery(m.msgData.queryID, openid);
    const events = session && session.collection === m.msgData.collName ? session.eventsAfter(m.msgData.eventID) : null;
    if (!session || !events) return this.error(m, 'QUERYID_INVALID_ERROR', `cannot rebuild query ${m.msgData.queryID} from event ${m.msgData.eventID}`);
    const held = this.watches.get(m.watchId);
    if (held && held !== session) return this.error(m, 'INVALID_PARAMETERS', 'watchId already in use');
    this.hold(m.watchId, session);
    this.send({ watchId: m.watchId, requestId: m.requestId, msgType: 'NEXT_EVENT', msgData: { queryID: session.queryID, currEvent: session.current, events } });
  }

  /** A query of this user; another user's queryID reads as unknown (it must not reveal that it exists). */
  private ownQuery(queryID: string, openid: string): QuerySession | undefined {
    const s = this.ctx.queries.get(queryID);
    return s && s.openid === openid ? s : undefined;
  }

  private hold(watchId: string, session: QuerySession): void {
    this.watches.set(watchId, session);
    session.attach(watchId, this.send, () => {
      if (this.watches.get(watchId) === session) this.watches.delete(watchId);
    });
  }

  private error(about: { requestId: string; watchId?: string }, code: RealtimeErrorCode, message: string): void {
    this.send({ ...(about.watchId !== undefined ? { watchId: about.watchId } : {}), requestId: about.requestId, msgType: 'ERROR', msgData: { code, message } });
  }
}
