/**
 * Database calls made directly by a mini program (POST /web, webApi.ts): the same store the
 * functions use, with the security rules applied as CloudBase applies them (a read's query must be a
 * subset of the read rule, and every document read or written is checked), CloudBase's '{openid}'
 * placeholder in query conditions, and the client's limits (`get` returns at most 20 documents;
 * documents a client adds carry its `_openid`). Calls arrive already decoded and translated
 * (ejson.ts, translate.ts: the codec every front end shares).
 */
import type { CollectionCatalog } from '../catalog/catalog';
import { withOpenid, type ClientAccess } from '../rules/access';
import { type DocumentStore, type FindOptions, type MongoQuery, type MongoUpdate, type StoredDoc, type StoreTx, DatabaseError } from '../store/store';
import { GET_LIMITS, invalid, newDocId } from '../store/docData';

/** What a call applies to, in the store's terms: a document (`docId`) or the documents `query` matches. */
export interface ClientDbTarget {
  collection: string;
  docId?: string;
  query?: MongoQuery;
}

/** A client `get` returns at most this many documents (CloudBase's client cap). */
const CLIENT_GET_MAX = GET_LIMITS.client.max;

/**
 * Runs client database calls against one store, each as one `openid`. A call on a collection that
 * does not exist throws CollectionNotExistError before the rules are read; the rules throw
 * PermissionDeniedError; a malformed call throws DatabaseError.
 */
export class ClientDatabase {
  constructor(
    private readonly store: DocumentStore,
    private readonly access: ClientAccess,
    /** The collections that exist: a call on any other answers -502005 before the rules are read. */
    private readonly catalog: CollectionCatalog,
  ) {}

  /** The document, or the documents the query matches; a document that does not exist reads as none. */
  async get(target: ClientDbTarget, options: FindOptions, openid: string): Promise<StoredDoc[]> {
    this.catalog.assertExists(target.collection);
    return target.docId !== undefined ? this.getDoc(target.collection, target.docId, openid) : this.getMany(target, options, openid);
  }

  /** How many documents the target names. */
  async count(target: ClientDbTarget, openid: string): Promise<number> {
    const c = target.collection;
    this.catalog.assertExists(c);
    const docs = await this.store.find(c, this.readQuery({ collection: c, query: target.docId !== undefined ? { _id: target.docId } : target.query }, openid));
    this.access.assertReadable(c, docs, openid);
    return docs.length;
  }

  /** The query of a read as the caller means it ('{openid}' replaced), refused unless the read rule allows it. */
  private readQuery(call: { collection: string; query?: MongoQuery }, openid: string): MongoQuery {
    this.access.assertQueryable(call.collection); // a closed collection is refused before its query is read
    const query = withOpenid(call.query ?? {}, openid);
    this.access.assertQueryAllowed(call.collection, query, openid);
    return query;
  }

  private async getDoc(c: string, docId: string, openid: string): Promise<StoredDoc[]> {
    this.access.assertQueryAllowed(c, { _id: docId }, openid);
    const doc = await this.store.get(c, docId);
    if (!doc) return [];
    this.access.assertReadable(c, [doc], openid);
    return [doc];
  }

  private async getMany(target: ClientDbTarget, given: FindOptions, openid: string): Promise<StoredDoc[]> {
    const query = this.readQuery(target, openid);
    const options: FindOptions = { limit: Math.min(given.limit ?? CLIENT_GET_MAX, CLIENT_GET_MAX) };
    if (given.skip) options.skip = given.skip;
    if (given.sort && Object.keys(given.sort).length > 0) options.sort = given.sort;
    const docs = await this.store.find(target.collection, query, options);
    this.access.assertReadable(target.collection, docs, openid);
    return docs;
  }

  /** Adds a document owned by `openid`; answers its `_id`. */
  async add(c: string, data: Record<string, unknown>, openid: string): Promise<string> {
    this.catalog.assertExists(c);
    const given = data._id;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw invalid('data._id must be a non-empty string');
    const id = typeof given === 'string' ? given : newDocId();
    const after = { ...data, _id: id, _openid: openid } as StoredDoc;
    await this.store.transact(async (tx) => {
      if (await tx.get(c, id)) throw new DatabaseError('DB_DUPLICATE_ID', `document ${id} already exists in ${c}`);
      this.access.assertWritable('create', c, null, after, openid);
      tx.put(c, id, after);
    });
    return id;
  }

  /** Replaces (or creates) document `id`; answers true when it created it. */
  async set(c: string, id: string, data: Record<string, unknown>, openid: string): Promise<boolean> {
    this.catalog.assertExists(c);
    if (data._id !== undefined && data._id !== id) throw invalid('set: data._id differs from the document id');
    return this.store.transact(async (tx) => {
      const before = await tx.get(c, id);
      // The creator stays the creator: a client cannot take a document over by rewriting it.
      const after = { ...data, _id: id, _openid: before?._openid ?? openid } as StoredDoc;
      this.access.assertWritable(before ? 'update' : 'create', c, before, after, openid);
      tx.put(c, id, after);
      return !before;
    });
  }

  /** Applies `update` to the target's documents; answers how many it changed. */
  async update(call: ClientDbTarget, update: MongoUpdate, openid: string): Promise<number> {
    this.catalog.assertExists(call.collection);
    // The creator stays the creator, on every path that names the field.
    const paths = [update.$set, update.$inc, update.$unset].flatMap((part) => Object.keys(part ?? {}));
    if (paths.some((p) => p === '_openid' || p.startsWith('_openid.'))) throw invalid('update: _openid cannot be changed');
    return this.eachTarget('update', call, openid, async (tx, id, before) => {
      if (!(await tx.patch(call.collection, id, update))) return false;
      this.access.assertWritable('update', call.collection, before, await tx.get(call.collection, id), openid);
      return true;
    });
  }

  /** Removes the target's documents; answers how many. */
  async remove(call: ClientDbTarget, openid: string): Promise<number> {
    this.catalog.assertExists(call.collection);
    return this.eachTarget('delete', call, openid, async (tx, id, before) => {
      this.access.assertWritable('delete', call.collection, before, null, openid);
      tx.delete(call.collection, id);
      return true;
    });
  }

  /**
   * Runs `each` in one transaction on every document an update or a delete applies to (its
   * document, or every document its query matches), and answers how many it said it changed. The
   * query is judged against the rule first, whatever the data (ClientAccess.assertWriteQueryAllowed);
   * each document written is then checked against the rule too.
   */
  private eachTarget(kind: 'update' | 'delete', call: ClientDbTarget, openid: string, each: (tx: StoreTx, id: string, before: StoredDoc) => Promise<boolean>): Promise<number> {
    const query = call.docId !== undefined ? { _id: call.docId } : withOpenid(call.query ?? {}, openid);
    this.access.assertWriteQueryAllowed(kind, call.collection, query, openid);
    return this.store.transact(async (tx) => {
      const ids = call.docId !== undefined ? [call.docId] : (await this.store.find(call.collection, query)).map((d) => d._id);
      let changed = 0;
      for (const id of ids) {
        const before = await tx.get(call.collection, id);
        if (before && (await each(tx, id, before))) changed += 1;
      }
      return changed;
    });
  }
}
