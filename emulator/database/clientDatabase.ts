/**
 * Database calls made directly by a mini program (POST /web, webApi.ts): the same store the
 * functions use, with the security rules applied as CloudBase applies them (a read's query must be a
 * subset of the read rule, and every document read or written is checked), CloudBase's '{openid}'
 * placeholder in query conditions, and the client's limits (`get` returns at most 20 documents;
 * documents a client adds carry its `_openid`). Calls arrive already decoded and translated
 * (ejson.ts, translate.ts: the codec every front end shares).
 */
import type { CollectionCatalog } from '../catalog/catalog';
import { withOpenid } from '../rules/access';
import type { ClientAccess } from '../rules/access';
import type { DocumentStore, FindOptions, MongoQuery, MongoUpdate, StoredDoc, StoreTx } from '../store/store';
import { DatabaseError } from '../store/store';
import { GET_LIMITS, invalid, newDocId } from '../store/docData';

/** One client call, in the store's terms: a document (`docId`) or the documents `query` matches. */
export type ClientDbCall = { collection: string } & (
  | { op: 'get'; docId?: string; query?: MongoQuery; sort?: FindOptions['sort']; skip?: number; limit?: number }
  | { op: 'count'; query?: MongoQuery }
  | { op: 'add'; data: Record<string, unknown> }
  | { op: 'set'; docId: string; data: Record<string, unknown> }
  | { op: 'update'; docId?: string; query?: MongoQuery; update: MongoUpdate }
  | { op: 'remove'; docId?: string; query?: MongoQuery }
);

/** A client `get` returns at most this many documents (CloudBase's client cap). */
const CLIENT_GET_MAX = GET_LIMITS.client.max;

/** A document the client asked for by id does not exist. */
export class DocumentNotFoundError extends Error {
  constructor(readonly collection: string, readonly docId: string) {
    super(`document.get:fail document with _id ${docId} does not exist`);
    this.name = 'DocumentNotFoundError';
  }
}

/** What each op answers (wx.cloud's result shapes, without errMsg). */
export type ClientDbResult =
  | { data: StoredDoc | StoredDoc[] }
  | { total: number }
  | { _id: string }
  | { _id: string; stats: { updated: number; created: number } }
  | { stats: { updated: number } }
  | { stats: { removed: number } };

/** Runs client database calls against one store. */
export class ClientDatabase {
  constructor(
    private readonly store: DocumentStore,
    private readonly access: ClientAccess,
    /** The collections that exist: a call on any other answers -502005 before the rules are read. */
    private readonly catalog: CollectionCatalog,
  ) {}

  /**
   * Runs one call as `openid`. Throws CollectionNotExistError, PermissionDeniedError,
   * DocumentNotFoundError or DatabaseError.
   */
  async run(call: ClientDbCall, openid: string): Promise<ClientDbResult> {
    const c = call.collection;
    this.catalog.assertExists(c);
    switch (call.op) {
      case 'get':
        return call.docId !== undefined ? this.getDoc(c, call.docId, openid) : this.getMany(call, openid);
      case 'count': {
        const docs = await this.store.find(c, this.readQuery(call, openid));
        this.access.assertReadable(c, docs, openid);
        return { total: docs.length };
      }
      case 'add':
        return this.add(c, call.data, openid);
      case 'set':
        return this.set(c, call.docId, call.data, openid);
      case 'update':
        return { stats: { updated: await this.updateMany(call, call.update, openid) } };
      case 'remove':
        return { stats: { removed: await this.removeMany(call, openid) } };
    }
  }

  /** The query of a read as the caller means it ('{openid}' replaced), refused unless the read rule allows it. */
  private readQuery(call: { collection: string; query?: MongoQuery }, openid: string): MongoQuery {
    this.access.assertQueryable(call.collection); // a closed collection is refused before its query is read
    const query = this.query(call, openid);
    this.access.assertQueryAllowed(call.collection, query, openid);
    return query;
  }

  /** The query of a call, '{openid}' replaced by the caller's OPENID. */
  private query(call: { query?: MongoQuery }, openid: string): MongoQuery {
    return withOpenid(call.query ?? {}, openid);
  }

  private async getDoc(c: string, docId: string, openid: string): Promise<ClientDbResult> {
    this.access.assertQueryAllowed(c, { _id: docId }, openid);
    const doc = await this.store.get(c, docId);
    if (!doc) throw new DocumentNotFoundError(c, docId);
    this.access.assertReadable(c, [doc], openid);
    return { data: doc };
  }

  private async getMany(call: Extract<ClientDbCall, { op: 'get' }>, openid: string): Promise<ClientDbResult> {
    const query = this.readQuery(call, openid);
    const options: FindOptions = { limit: Math.min(call.limit ?? CLIENT_GET_MAX, CLIENT_GET_MAX) };
    if (call.skip) options.skip = call.skip;
    if (call.sort && Object.keys(call.sort).length > 0) options.sort = call.sort;
    const docs = await this.store.find(call.collection, query, options);
    this.access.assertReadable(call.collection, docs, openid);
    return { data: docs };
  }

  private async add(c: string, data: Record<string, unknown>, openid: string): Promise<ClientDbResult> {
    const given = data._id;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw invalid('data._id must be a non-empty string');
    const id = typeof given === 'string' ? given : newDocId();
    const after = { ...data, _id: id, _openid: openid } as StoredDoc;
    await this.store.transact(async (tx) => {
      if (await tx.get(c, id)) throw new DatabaseError('DB_DUPLICATE_ID', `document ${id} already exists in ${c}`);
      this.access.assertWritable('create', c, null, after, openid);
      tx.put(c, id, after);
    });
    return { _id: id };
  }

  private async set(c: string, id: string, data: Record<string, unknown>, openid: string): Promise<ClientDbResult> {
    if (data._id !== undefined && data._id !== id) throw invalid('set: data._id differs from the document id');
    return this.store.transact(async (tx) => {
      const before = await tx.get(c, id);
      // The creator stays the creator: a client cannot take a document over by rewriting it.
      const after = { ...data, _id: id, _openid: before?._openid ?? openid } as StoredDoc;
      this.access.assertWritable(before ? 'update' : 'create', c, before, after, openid);
      tx.put(c, id, after);
      return { _id: id, stats: { updated: before ? 1 : 0, created: before ? 0 : 1 } };
    });
  }

  private async updateMany(call: ClientDbTarget, update: MongoUpdate, openid: string): Promise<number> {
    // The creator stays the creator, on every path that names the field.
    const paths = [update.$set, update.$inc, update.$unset].flatMap((part) => Object.keys(part ?? {}));
    if (paths.some((p) => p === '_openid' || p.startsWith('_openid.'))) throw invalid('update: _openid cannot be changed');
    const c = call.collection;
    return this.store.transact(async (tx) => {
      let updated = 0;
      for (const id of await this.targets('update', call, tx, openid)) {
        const before = await tx.get(c, id);
        if (!before || !(await tx.patch(c, id, update))) continue;
        this.access.assertWritable('update', c, before, await tx.get(c, id), openid);
        updated += 1;
      }
      return updated;
    });
  }

  private async removeMany(call: ClientDbTarget, openid: string): Promise<number> {
    const c = call.collection;
    return this.store.transact(async (tx) => {
      let removed = 0;
      for (const id of await this.targets('delete', call, tx, openid)) {
        const before = await tx.get(c, id);
        if (!before) continue;
        this.access.assertWritable('delete', c, before, null, openid);
        tx.delete(c, id);
        removed += 1;
      }
      return removed;
    });
  }

  /**
   * The ids an update or a delete applies to: its document, or every document its query matches.
   * The query is judged against the rule first, whatever the data (ClientAccess.assertWriteQueryAllowed);
   * each document written is then checked against the rule too.
   */
  private async targets(kind: 'update' | 'delete', call: ClientDbTarget, tx: StoreTx, openid: string): Promise<string[]> {
    const query = call.docId !== undefined ? { _id: call.docId } : this.query(call, openid);
    this.access.assertWriteQueryAllowed(kind, call.collection, query, openid);
    if (call.docId !== undefined) return (await tx.get(call.collection, call.docId)) ? [call.docId] : [];
    const docs = await this.store.find(call.collection, query);
    return docs.map((d) => d._id);
  }
}

/** What a write applies to: one document or a query's matches. */
type ClientDbTarget = { collection: string; docId?: string; query?: MongoQuery };
