/**
 * The watch service: CloudBase realtime semantics over the store's ordered change events.
 *
 * A watch keeps the set of documents matching its query (and its window when it has a `limit`).
 * It starts with an `init` snapshot, then turns each committed change into docChanges:
 * a document entering the result is `enqueue`, leaving it `dequeue`, changing inside it `update`;
 * `dataType` says what happened to the document (add / update / replace / remove), or `limit`
 * when another document's change pushed it into or out of a limited window. The diff is computed
 * against the state the watch holds, so a change seen twice (once by the initial read, once as an
 * event) produces nothing twice.
 */
import { CloudErrors } from '../cloudErrors';
import { withOpenid, type ClientAccess } from '../rules/access';
import type { EmulatorService } from '../service';
import type { ErrorBody } from '../wire';
import type { ChangeEvent, DocumentStore, MongoQuery, StoredDoc } from '../store/store';
import { copyJson, jsonEqual } from '../store/docData';
import { sortComparator } from '../store/mongoQuery';

/** The sort keys of a watch (`orderBy`): field path and direction, in order. */
export type OrderBy = Array<[string, 'asc' | 'desc']>;

/** What a watch looks at. `query` is a store query (database/translate.ts `toStoreQuery`). */
export interface WatchSpec {
  collection: string;
  query: MongoQuery;
  orderBy?: OrderBy;
  limit?: number;
  /** A `doc(id).watch()`: only this document. */
  docId?: string;
}

/** How a document moved relative to the watch's result. */
export type QueueType = 'init' | 'enqueue' | 'dequeue' | 'update';
/** What happened to the document itself. */
export type DataType = 'init' | 'update' | 'replace' | 'add' | 'remove' | 'limit';

/**
 * One change (CloudBase's ISingleDBEvent). `doc` is the document after the change, or the last one
 * held when it left by an update or a removal (a replace that takes it out carries the new one).
 */
export interface DocChange {
  id: number;
  queueType: QueueType;
  dataType: DataType;
  docId: string;
  doc: StoredDoc;
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
}

/** The first message of a watch: the whole result. */
export interface WatchInit {
  type: 'init';
  id: number;
  docChanges: DocChange[];
  docs: StoredDoc[];
}

/** A later message: only what changed (the receiver keeps the docs). */
export interface WatchChange {
  type: 'change';
  id: number;
  docChanges: DocChange[];
}

/** A watch error; the watch is closed when it is delivered. */
export type WatchError = ErrorBody;

/** Where a watch delivers. */
export interface WatchSink {
  snapshot(message: WatchInit | WatchChange): void;
  error(error: WatchError): void;
}

/** A registered watch. */
export interface WatchHandle {
  /** Stops delivery; idempotent. */
  close(): void;
}

/** Options of the watch service. */
export interface WatchServiceOptions {
  store: DocumentStore;
  /** Rule checks for client watches; without it every watch reads everything. */
  access?: ClientAccess;
  /** CloudBase stops a watch whose result exceeds 5,000 documents. */
  maxDocs?: number;
}

/** CloudBase's cap on the documents of one watch. */
export const WATCH_MAX_DOCS = 5000;
const LIMIT_EXCEEDED = CloudErrors.DATABASE_REQUEST_FAILED.errCode;
const DENIED = CloudErrors.DATABASE_PERMISSION_DENIED.errCode;

/** The watch service of one local cloud. */
export class WatchService implements EmulatorService {
  readonly name = 'watch';
  private readonly watches = new Set<Watch>();
  /** The same watches by collection: a change is offered only to the watches of its collection. */
  private readonly byCollection = new Map<string, Set<Watch>>();
  private unsubscribe: (() => void) | null = null;
  private lastSeq = 0;

  constructor(private readonly options: WatchServiceOptions) {}

  /** Subscribes to the store's changes. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    // The store's own event, copied only when a watch of its collection may deliver it: most
    // changes (nonces, presence) have no watcher, and copying them cost every write.
    this.unsubscribe = this.options.store.onChange(
      (shared) => {
        this.lastSeq = Math.max(this.lastSeq, shared.seq);
        const watches = this.byCollection.get(shared.collection);
        if (!watches) return;
        const e = copyJson(shared);
        for (const w of [...watches]) w.onEvent(e);
      },
      { shared: true },
    );
  }

  /** Closes every watch (without an error: the server is going away) and unsubscribes. */
  async stop(): Promise<void> {
    for (const w of [...this.watches]) w.close();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private forget(watch: Watch, collection: string): void {
    this.watches.delete(watch);
    const peers = this.byCollection.get(collection);
    peers?.delete(watch);
    if (peers && peers.size === 0) this.byCollection.delete(collection);
  }

  /** The number of open watches. */
  getInfo(): Record<string, unknown> {
    return { watches: this.watches.size };
  }

  /**
   * Starts a watch. The init snapshot (or an error) is delivered asynchronously, never before this
   * returns. With `auth`, the watch is a client's: '{openid}' in the query stands for the caller's
   * OPENID, the query must be a subset of the collection's read rule (a `doc(id)` watch is the query
   * `{_id: id}`), and every document delivered must be readable by the caller (access.ts).
   */
  register(spec: WatchSpec, sink: WatchSink, auth?: { openid: string }): WatchHandle {
    const watch = new Watch(spec, sink, this.options, auth, () => this.forget(watch, spec.collection), () => this.lastSeq);
    this.watches.add(watch);
    let peers = this.byCollection.get(spec.collection);
    if (!peers) this.byCollection.set(spec.collection, (peers = new Set()));
    peers.add(watch);
    void watch.init();
    return { close: () => watch.close() };
  }
}

class Watch {
  private closed = false;
  /** Events that arrive while the initial read runs; applied (silently) before the init snapshot. */
  private pending: ChangeEvent[] | null = [];
  /** Every document matching the query, in arrival order. */
  private readonly matching = new Map<string, StoredDoc>();
  /** The result as the watcher holds it: id → doc, in order. */
  private held = new Map<string, StoredDoc>();
  /** The result's order: `orderBy`, then `_id`. */
  private readonly sort: Record<string, 1 | -1>;
  /** The query as the caller means it: a client's '{openid}' replaced. */
  private readonly query: MongoQuery;

  constructor(
    private readonly spec: WatchSpec,
    private readonly sink: WatchSink,
    private readonly options: WatchServiceOptions,
    private readonly auth: { openid: string } | undefined,
    private readonly onClosed: () => void,
    private readonly lastSeq: () => number,
  ) {
    // The store's order (MongoDB's, as `find` sorts), ties broken by `_id` so a window is stable.
    const sort: Record<string, 1 | -1> = Object.fromEntries((spec.orderBy ?? []).map(([f, d]) => [f, d === 'desc' ? -1 : 1]));
    this.sort = { ...sort, _id: sort._id ?? 1 };
    this.query = auth ? withOpenid(spec.query, auth.openid) : spec.query;
  }

  async init(): Promise<void> {
    try {
      await Promise.resolve(); // the caller gets its handle before anything is delivered
      const { docId, collection } = this.spec;
      if (this.auth) {
        this.options.access?.assertQueryAllowed(collection, docId === undefined ? this.query : { ...this.query, _id: docId }, this.auth.openid);
      }
      const { store } = this.options;
      const found = docId !== undefined
        ? [await store.get(collection, docId)].filter((d): d is StoredDoc => d !== null && store.matches(d, this.query))
        : await store.find(collection, this.query);
      if (this.closed) return;
      for (const doc of found.sort(sortComparator(this.sort))) this.matching.set(doc._id, doc);
      const pending = this.pending ?? [];
      this.pending = null;
      let id = this.lastSeq();
      for (const e of pending) {
        this.applyToMatching(e);
        id = Math.max(id, e.seq);
      }
      const ids = this.windowIds();
      if (this.overCap(ids.length)) return;
      const docs = ids.map((docId) => this.matching.get(docId) as StoredDoc);
      if (!this.readable(docs)) return;
      this.held = new Map(docs.map((d) => [d._id, d]));
      this.sink.snapshot({
        type: 'init',
        id,
        docChanges: docs.map((doc) => ({ id, queueType: 'init', dataType: 'init', docId: doc._id, doc })),
        docs,
      });
    } catch (err) {
      const e = err as { errCode?: unknown; message?: unknown };
      const denied = e?.errCode === DENIED;
      this.fail(denied ? DENIED : CloudErrors.INVALID_PARAM.errCode, denied ? CloudErrors.DATABASE_PERMISSION_DENIED.message : `invalid watch: ${String(e?.message ?? err)}`);
    }
  }

  onEvent(e: ChangeEvent): void {
    if (this.closed || e.collection !== this.spec.collection) return;
    if (this.spec.docId !== undefined && e.docId !== this.spec.docId) return;
    if (this.pending) {
      this.pending.push(e);
      return;
    }
    if (this.spec.limit === undefined) return this.onUnlimitedEvent(e);
    this.applyToMatching(e);
    const ids = this.windowIds();
    if (this.overCap(ids.length)) return;
    const next = new Map(ids.map((docId) => [docId, this.matching.get(docId) as StoredDoc]));
    const own = this.ownChange(e, this.held.get(e.docId), next.get(e.docId));
    const changes: DocChange[] = own ? [own] : [];
    // Documents another document's change pushed into or out of a limited window.
    for (const [docId, doc] of this.held) {
      if (docId !== e.docId && !next.has(docId)) changes.push({ id: e.seq, queueType: 'dequeue', dataType: 'limit', docId, doc });
    }
    for (const [docId, doc] of next) {
      if (docId !== e.docId && !this.held.has(docId)) changes.push({ id: e.seq, queueType: 'enqueue', dataType: 'limit', docId, doc });
    }
    if (changes.length === 0) return;
    const entering = changes.filter((c) => c.queueType !== 'dequeue').map((c) => c.doc);
    if (!this.readable(entering)) return;
    this.held = next;
    this.sink.snapshot({ type: 'change', id: e.seq, docChanges: changes });
  }

  /**
   * Without a limit only the changed document can enter, leave or change in the result, so the work
   * per event is constant, not proportional to the result (a roster of thousands watched by many
   * clients sees every change of its collection).
   */
  private onUnlimitedEvent(e: ChangeEvent): void {
    const after = e.after && this.options.store.matches(e.after, this.query) ? e.after : undefined;
    const change = this.ownChange(e, this.held.get(e.docId), after);
    if (!change || (change.queueType === 'enqueue' && this.overCap(this.held.size + 1))) return;
    if (after && !this.readable([after])) return;
    if (after) {
      this.matching.set(e.docId, after);
      this.held.set(e.docId, after);
    } else {
      this.matching.delete(e.docId);
      this.held.delete(e.docId);
    }
    this.sink.snapshot({ type: 'change', id: e.seq, docChanges: [change] });
  }

  /** What happened to the changed document in the result, from what the watch held to what it holds now; null for nothing. */
  private ownChange(e: ChangeEvent, before: StoredDoc | undefined, after: StoredDoc | undefined): DocChange | null {
    const own = ownDataType(e);
    if (before && after) return jsonEqual(before, after) ? null : this.change(e, 'update', own, after);
    if (after) return this.change(e, 'enqueue', own, after);
    return before ? this.change(e, 'dequeue', own, this.leftAs(e, own, before)) : null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
  }

  private change(e: ChangeEvent, queueType: QueueType, dataType: DataType, doc: StoredDoc): DocChange {
    const c: DocChange = { id: e.seq, queueType, dataType, docId: e.docId, doc };
    if (dataType === 'update') {
      c.updatedFields = e.updatedFields ?? {};
      c.removedFields = e.removedFields ?? [];
    }
    return c;
  }

  private applyToMatching(e: ChangeEvent): void {
    if (e.after && this.options.store.matches(e.after, this.query)) this.matching.set(e.docId, e.after);
    else this.matching.delete(e.docId);
  }

  /** The ids in the result: all matches, or the first `limit` of them in order. */
  private windowIds(): string[] {
    if (this.spec.limit === undefined) return [...this.matching.keys()];
    return [...this.matching.values()].sort(sortComparator(this.sort)).slice(0, this.spec.limit).map((d) => d._id);
  }

  /**
   * The document a dequeue carries: the one the watch held, which an update's fields turn into the
   * new one (the vendor client does so for `Doc: ''`), except for a replace, which has no fields
   * and carries the whole new document whatever its queueType (the vendor client refuses a replace
   * without one: @cloudbase/database realtime/virtual-websocket-client.js, `case 'replace'`). A
   * client's watch gets the new document only when its read rule lets it read it: what left its
   * result must not leak through it (then it gets the one it held, still a whole document).
   */
  private leftAs(e: ChangeEvent, own: DataType, held: StoredDoc): StoredDoc {
    if (own !== 'replace' || !e.after) return held;
    const { access } = this.options;
    const visible = !this.auth || !access || access.canRead(this.spec.collection, e.after, this.auth.openid);
    return visible ? e.after : held;
  }

  private overCap(size: number): boolean {
    const max = this.options.maxDocs ?? WATCH_MAX_DOCS;
    if (size <= max) return false;
    this.fail(LIMIT_EXCEEDED, `watch result exceeds ${max} documents; the watch is closed`);
    return true;
  }

  private readable(docs: StoredDoc[]): boolean {
    const { access } = this.options;
    if (!this.auth || !access) return true;
    const denied = docs.find((d) => !access.canRead(this.spec.collection, d, this.auth!.openid));
    if (!denied) return true;
    this.fail(DENIED, 'database permission denied');
    return false;
  }

  private fail(errCode: number, errMsg: string): void {
    if (this.closed) return;
    this.close();
    this.sink.error({ errCode, errMsg });
  }
}

/**
 * What happened to the changed document itself. An existing document written whole
 * (`doc(id).set()`) is `replace`, as CloudBase reports it (miniprogram-api-typings
 * `DB.DataType` lists it); the store marks such a change `replaced` (storeTypes.ts ChangeEvent).
 */
function ownDataType(e: ChangeEvent): DataType {
  if (!e.before) return 'add';
  if (!e.after) return 'remove';
  return e.replaced ? 'replace' : 'update';
}
