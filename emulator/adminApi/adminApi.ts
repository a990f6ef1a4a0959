/**
 * The local cloud's Admin API: the HTTP endpoint the real wx-server-sdk (node-sdk's
 * TcbApiHttpRequester) posts to when TCB_CONTEXT_CNFG points it here (sdkEnv.ts). Every reply is
 * HTTP 200 JSON, success `{requestId, ...}` or failure `{code, message, requestId}`, because that
 * is what node-sdk parses: any other status becomes an error without our message.
 */
import { randomBytes } from 'crypto';
import type http from 'http';
import { setTimeout as sleep } from 'timers/promises';
import { collectionNotExistMessage, type CollectionCatalog } from '../catalog/catalog';
import { NOT_JSON, isCollectionName, parseJson } from '../store/docData';
import { readBody, sendJson } from '../httpKit';
import type { EmulatorService, HttpRoute } from '../service';
import type { LockTx } from '../store/lockTx';
import type { DocumentStore } from '../store/store';
import { actions, type ActionContext } from './actions';
import { AdminFailure, invalidParam, toFailure } from './failures';
import { envelopeSchema } from './wireSchemas';

/** The path node-sdk posts to (with `?env=...&seqId=...`, which carries nothing we need). */
export const ADMIN_PATH = '/admin';

/** Options of AdminApi. */
export interface AdminApiOptions {
  store: DocumentStore;
  /** The collections that exist: any other answers DATABASE_COLLECTION_NOT_EXIST (-502005). */
  catalog: CollectionCatalog;
  /** The env this local cloud serves: requests naming another fail with INVALID_ENV. */
  envId: string;
  /** The local cloud's time (EmulatorClock.now), for `db.serverDate()`. */
  now: () => number;
  /** How long a transaction may stay open (default 30 s). */
  txTimeoutMs?: number;
  /**
   * A simulated network round trip to the database, in ms (default 0): half before the action
   * runs, half after, as between a function and CloudBase's database. The bench measures joins
   * against it.
   */
  latencyMs?: number;
  /** Timer of transaction timeouts (tests inject one). */
  schedule?: Scheduler;
  log?: (line: string) => void;
}

/** A reply: always HTTP 200 for a POST; the body says success or failure. */
export interface AdminReply {
  status: number;
  body: Record<string, unknown>;
}

/** The request the API sees: headers and raw body text. */
export interface AdminRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The Admin API over one store; an EmulatorService so the cloud stops it (aborting open transactions). */
export class AdminApi implements EmulatorService {
  readonly name = 'admin';
  /** POST /admin — what node-sdk posts (any method is answered: a non-POST gets 405 in the body's terms). */
  readonly routes: readonly HttpRoute[] = [{ path: ADMIN_PATH, handle: (req, res) => this.serve(req, res) }];
  readonly transactions: RemoteTransactions;
  private readonly context: ActionContext;
  private requests = 0;
  private readonly byAction = new Map<string, number>();
  /** Requests being answered now, and how many times that went from none to some. */
  private inflight = 0;
  private waves = 0;

  constructor(private readonly options: AdminApiOptions) {
    this.transactions = new RemoteTransactions(options.store, { timeoutMs: options.txTimeoutMs, schedule: options.schedule });
    this.context = { store: options.store, catalog: options.catalog, transactions: this.transactions, now: options.now };
  }

  async stop(): Promise<void> {
    this.transactions.abortAll();
  }

  getInfo(): Record<string, unknown> {
    return { path: ADMIN_PATH, envId: this.options.envId, ...this.stats(), openTransactions: this.transactions.size };
  }

  /**
   * Requests answered so far (each is one database round trip of a function), in all and by action;
   * and `waves`: how many times the API went from idle to busy. While one call runs alone, its
   * waves are its sequential round trips (requests it sends in parallel overlap and count once,
   * given a `latencyMs` that keeps each in flight that long).
   */
  stats(): { requests: number; waves: number; byAction: Record<string, number> } {
    return { requests: this.requests, waves: this.waves, byAction: Object.fromEntries([...this.byAction].sort(([a], [b]) => a.localeCompare(b))) };
  }

  /** Answers one request; never throws. */
  async handle(request: AdminRequest): Promise<AdminReply> {
    this.requests += 1;
    this.inflight += 1;
    if (this.inflight === 1) this.waves += 1;
    const requestId = randomBytes(8).toString('hex');
    try {
      if (request.method !== 'POST') return { status: 405, body: { code: 'INVALID_PARAM', message: 'use POST', requestId } };
      return { status: 200, body: { ...(await this.run(request)), requestId } };
    } catch (err) {
      const failure = toFailure(err);
      if (failure.code === 'SYS_ERR') this.options.log?.(`[admin] ${(err as Error)?.stack ?? String(err)}`);
      return { status: 200, body: { code: failure.code, message: failure.message, requestId } };
    } finally {
      this.inflight -= 1;
    }
  }

  private async run(request: AdminRequest): Promise<Record<string, unknown>> {
    // The SDK signs with TC3-HMAC-SHA256; any secret will do here, but a request without the
    // header did not come from a configured SDK.
    const auth = request.headers.authorization;
    if (typeof auth !== 'string' || !auth.startsWith('TC3-HMAC-SHA256 ') || !auth.includes('Credential=')) {
      throw new AdminFailure('SIGN_PARAM_INVALID', 'missing or malformed Authorization header (TC3-HMAC-SHA256 expected)');
    }
    const body = parseJson(request.body);
    if (body === NOT_JSON) throw invalidParam('body is not valid JSON');
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) throw invalidParam('body must be a JSON object with a string action');
    const { action, envName } = envelope.data;
    this.byAction.set(action, (this.byAction.get(action) ?? 0) + 1);
    if (envName !== undefined && envName !== '' && envName !== this.options.envId) {
      throw new AdminFailure('INVALID_ENV', `env ${envName} is not served here (this local cloud is ${this.options.envId})`);
    }
    const handler = Object.prototype.hasOwnProperty.call(actions, action) ? actions[action] : undefined;
    if (!handler) throw new AdminFailure('INVALID_ACTION', `action ${action} is not supported by the local cloud`);
    // CloudBase answers -502005 for every call on a collection never created (get, count, update,
    // doc.get, add, set, remove alike); only createCollection may name one.
    // An invalid name is refused as such (-501007) before it could be looked up.
    const collection = (body as { collectionName?: unknown }).collectionName;
    if (typeof collection === 'string' && action !== 'database.addCollection' && isCollectionName(collection) && !this.options.catalog.has(collection)) {
      throw new AdminFailure('DATABASE_COLLECTION_NOT_EXIST', collectionNotExistMessage(collection));
    }
    // The simulated round trip: half on the way in, half on the way out, as a network would.
    const half = (this.options.latencyMs ?? 0) / 2;
    const paced = async (): Promise<Record<string, unknown>> => {
      if (half > 0) await sleep(half);
      try {
        return await handler(body, this.context);
      } finally {
        if (half > 0) await sleep(half);
      }
    };
    // A transaction's operations (and its commit) run one at a time, round trip included
    // (store/lockTx.ts occupy): an overlapping one is refused.
    const txId = (body as { transactionId?: unknown }).transactionId;
    const tx = typeof txId === 'string' && action !== 'database.abortTransaction' ? this.transactions.find(txId) : undefined;
    return tx ? tx.occupy(paced) : paced();
  }

  /** Serves POST /admin on the local cloud's HTTP server. */
  async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const reply =
      body === null
        ? { status: 200, body: { code: 'INVALID_PARAM', message: 'request body too large', requestId: '' } }
        : await this.handle({ method: req.method ?? 'GET', headers: req.headers, body });
    sendJson(res, reply.status, reply.body);
  }
}

/** Starts a timer; returns its cancel. Injectable so tests can fire a timeout without waiting. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

/** setTimeout, unref'd so an abandoned transaction never keeps the process alive. */
const realScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** One open transaction, as the actions use it: reads see its snapshot and own writes; writes lock. */
export type RemoteTransaction = LockTx;

/**
 * The Admin API's transactions, by id, with CloudBase's lock model (store/lockTx.ts): startTransaction
 * opens one, the document operations carrying its id go to it, commitTransaction applies its writes,
 * abortTransaction or the 30 s timeout drops them. A refused write is answered
 * DATABASE_TRANSACTION_CONFLICT (failures.ts), which wx-server-sdk surfaces inside the callback as an
 * Error with `errCode: -501001` and no `code` (PROTOCOL.md, "Transactions").
 */
export class RemoteTransactions {
  private readonly open = new Map<string, LockTx>();

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { timeoutMs?: number; schedule?: Scheduler } = {},
  ) {}

  /** How many are open (for the info route). */
  get size(): number {
    return this.open.size;
  }

  /** Opens a transaction; it is aborted (its locks released) if neither committed nor aborted within the timeout. */
  start(): string {
    const id = randomBytes(16).toString('hex');
    const tx = this.store.beginLocked({ id, timeoutMs: this.options.timeoutMs ?? 30_000, schedule: this.options.schedule ?? realScheduler });
    this.open.set(id, tx);
    // Forgotten once committed, aborted or timed out.
    void tx.released.then(() => this.open.delete(id));
    return id;
  }

  /** The open transaction `id`, or undefined (no failure: the action reports it). */
  find(id: string): RemoteTransaction | undefined {
    const tx = this.open.get(id);
    return tx?.open ? tx : undefined;
  }

  /** The open transaction `id`; DATABASE_TRANSACTION_FAIL when unknown, finished or timed out. */
  get(id: string): RemoteTransaction {
    const tx = this.find(id);
    if (!tx) throw new AdminFailure('DATABASE_TRANSACTION_FAIL', `transaction ${id} is not open (unknown, finished or timed out)`);
    return tx;
  }

  /** Applies the writes (a commit cannot conflict: the locks were taken at the writes). */
  commit(id: string): Promise<void> {
    return this.get(id).commit();
  }

  /** Drops `id`, its writes and its locks. */
  abort(id: string): void {
    this.get(id).abort();
  }

  /** Drops every open transaction (the local cloud stops). */
  abortAll(): void {
    for (const tx of this.open.values()) tx.abort();
  }
}
