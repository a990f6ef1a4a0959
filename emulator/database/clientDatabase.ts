/**
 * Database calls made directly by a mini program (POST /v1/db): the same store the functions use,
 * with the security rules applied as CloudBase applies them (a read's query must be a subset of the
 * read rule, and every document read or written is checked), CloudBase's '{openid}' placeholder in
 * query conditions, and the client's limits (`get` returns at most 20 documents; documents a client
 * adds carry its `_openid`).
 */
import { withOpenid } from '../rules/access';
import type { ClientAccess } from '../rules/access';
import { toMongoQuery, toMongoUpdate } from './query';
import type { DocumentStore, FindOptions, MongoQuery, StoredDoc, StoreTx } from '../store/store';
import { DatabaseError } from '../store/store';
import { GET_LIMITS, newDocId } from '../store/docData';
import type { DbBody } from '../wire';

/** A client `get` returns at most this many documents (CloudBase's client cap). */
export const CLIENT_GET_MAX = GET_LIMITS.client.max;

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
  ) {}

  /** Runs one call as `openid`. Throws PermissionDeniedError, DocumentNotFoundError or DatabaseError. */
  async run(body: DbBody, openid: string): Promise<ClientDbResult> {
    const { op, collection: c } = body;
    switch (op) {
      case 'get':
        return body.docId !== undefined ? this.getDoc(c, body.docId, openid) : this.getMany(body, openid);
      case 'count': {
        const docs = await this.store.find(c, this.readQuery(body, openid));
        this.access.assertReadable(c, docs, openid);
        return { total: docs.length };
      }
      case 'add':
        return this.add(c, requireData(body), openid);
      case 'set':
        return this.set(c, requireDocId(body), requireData(body), openid);
      case 'update':
        return { stats: { updated: await this.updateMany(body, requireData(body), openid) } };
      case 'remove':
        return { stats: { removed: await this.removeMany(body, openid) } };
    }
  }

  /** The query of a read as the caller means it ('{openid}' replaced), refused unless the read rule allows it. */
  private readQuery(body: DbBody, openid: string): MongoQuery {
    this.access.assertQueryable(body.collection); // a closed collection is refused before its query is read
    const query = this.query(body, openid);
    this.access.assertQueryAllowed(body.collection, query, openid);
    return query;
  }

  /** The query of a call, '{openid}' replaced by the caller's OPENID. */
  private query(body: DbBody, openid: string): MongoQuery {
    return withOpenid(toMongoQuery(body.query ?? {}), openid);
  }

  private async getDoc(c: string, docId: string, openid: string): Promise<ClientDbResult> {
    this.access.assertQueryAllowed(c, { _id: docId }, openid);
    const doc = await this.store.get(c, docId);
    if (!doc) throw new DocumentNotFoundError(c, docId);
    this.access.assertReadable(c, [doc], openid);
    return { data: doc };
  }

  private async getMany(body: DbBody, openid: string): Promise<ClientDbResult> {
    const query = this.readQuery(body, openid);
    const options: FindOptions = { limit: Math.min(body.limit ?? CLIENT_GET_MAX, CLIENT_GET_MAX) };
    if (body.skip) options.skip = body.skip;
    if (body.orderBy?.length) options.sort = Object.fromEntries(body.orderBy.map(([f, d]) => [f, d === 'desc' ? -1 : 1]));
    const docs = await this.store.find(body.collection, query, options);
    this.access.assertReadable(body.collection, docs, openid);
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

  private async updateMany(body: DbBody, data: Record<string, unknown>, openid: string): Promise<number> {
    const update = toMongoUpdate(data);
    if (update.$set && '_openid' in update.$set) throw invalid('update: _openid cannot be changed');
    const c = body.collection;
    return this.store.transact(async (tx) => {
      let updated = 0;
      for (const id of await this.targets(body, tx, openid)) {
        const before = await tx.get(c, id);
        if (!before || !(await tx.patch(c, id, update))) continue;
        this.access.assertWritable('update', c, before, await tx.get(c, id), openid);
        updated += 1;
      }
      return updated;
    });
  }

  private async removeMany(body: DbBody, openid: string): Promise<number> {
    const c = body.collection;
    return this.store.transact(async (tx) => {
      let removed = 0;
      for (const id of await this.targets(body, tx, openid)) {
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
   * The ids a write applies to: its document, or every document its query matches. Each write is
   * checked against the write rules per document (the query-subset check is for reads).
   */
  private async targets(body: DbBody, tx: StoreTx, openid: string): Promise<string[]> {
    if (body.docId !== undefined) return (await tx.get(body.collection, body.docId)) ? [body.docId] : [];
    const docs = await this.store.find(body.collection, this.query(body, openid));
    return docs.map((d) => d._id);
  }
}

function invalid(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message);
}

function requireData(body: DbBody): Record<string, unknown> {
  if (!body.data) throw invalid(`${body.op}: data is required`);
  return body.data;
}

function requireDocId(body: DbBody): string {
  if (body.docId === undefined) throw invalid(`${body.op}: docId is required`);
  return body.docId;
}
