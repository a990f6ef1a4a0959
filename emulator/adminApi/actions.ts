/**
 * The database actions of POST /admin: each takes the parsed body and answers the `data` (or
 * top-level fields) of the success reply, or throws an AdminFailure. Every action validates all
 * of its input before it writes, so a refused request changes nothing.
 */
import type { z } from 'zod';
import { GET_LIMITS, isPlainObject, newDocId } from '../store/docData';
import { applyUpdate, checkUpdate } from '../store/docUpdate';
import type { CollectionCatalog } from '../catalog/catalog';
import type { DocumentStore } from '../store/store';
import type { MongoQuery, MongoUpdate, StoredDoc, StoreTx } from '../store/storeTypes';
import { describeIssues } from '../wire';
import { decodeEjson, encodeEjson, type DecodeContext } from '../database/ejson';
import { invalidParam, requestFailed } from './failures';
import { toProjector, toReplacement, toSort, toStoreQuery, toStoreUpdate } from '../database/translate';
import type { RemoteTransaction, RemoteTransactions } from './adminApi';
import { addCollectionSchema, countSchema, finishTxSchema, getSchema, insertSchema, modifySchema, removeSchema } from './wireSchemas';

/** What an action needs: the store, the collections that exist, the open transactions and the clock (through DecodeContext). */
export interface ActionContext extends DecodeContext {
  store: DocumentStore;
  catalog: CollectionCatalog;
  transactions: RemoteTransactions;
}

/** The fields a success reply carries besides `requestId`. */
export type ActionResult = Record<string, unknown>;

/** A server-side get returns at most 1000 documents, 100 when no limit is given (as @cloudbase/database asks). */
const LIMITS = GET_LIMITS.server;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidParam(describeIssues(parsed.error));
  return parsed.data;
}

function decodeQuery(text: string | undefined, ctx: ActionContext): MongoQuery {
  if (text === undefined || text === '') return {};
  return toStoreQuery(decodeEjson(text, 'query', ctx));
}

/** The `_id` of a DOC query (`{"_id": id}`, as doc() sends it). */
function docIdOf(text: string | undefined, ctx: ActionContext): string {
  const query = text === undefined || text === '' ? undefined : decodeEjson(text, 'query', ctx);
  if (!isPlainObject(query) || typeof query._id !== 'string' || query._id === '' || Object.keys(query).length !== 1) {
    throw invalidParam('query: a DOC query must be {"_id": "<non-empty string>"}');
  }
  return query._id;
}

/** The open transaction a request names; transactions hold document operations only (a CloudBase rule). */
function txOf(body: { transactionId?: string; queryType?: 'DOC' | 'WHERE' }, ctx: ActionContext): RemoteTransaction | null {
  if (body.transactionId === undefined) return null;
  if (body.queryType === 'WHERE') throw requestFailed('transactions support document operations (doc(id)) only');
  return ctx.transactions.get(body.transactionId);
}

/** Runs `fn` in the request's transaction, or in a store transaction of its own. */
function inTx<T>(tx: RemoteTransaction | null, ctx: ActionContext, fn: (tx: Pick<StoreTx, 'get' | 'put' | 'delete'>) => Promise<T>): Promise<T> {
  return tx ? fn(tx) : ctx.store.transact(fn);
}

/** database.insertDocument → `{insertedIds}`; an `_id` already taken fails the whole request. */
async function insertDocument(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  const req = parse(insertSchema, body);
  const docs = req.data.map((text, i) => {
    const doc = decodeEjson(text, `data[${i}]`, ctx);
    if (!isPlainObject(doc)) throw requestFailed(`data[${i}]: a document must be an object`);
    const { _id: given, ...fields } = doc;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw requestFailed(`data[${i}]._id must be a non-empty string`);
    return { id: typeof given === 'string' ? given : newDocId(), fields };
  });
  const c = req.collectionName;
  await inTx(txOf(req, ctx), ctx, async (tx) => {
    // Every id is checked before anything is written (an id twice in the request is a duplicate too).
    for (const [i, d] of docs.entries()) {
      if (docs.findIndex((o) => o.id === d.id) < i || (await tx.get(c, d.id)) !== null) {
        throw requestFailed(`E11000 duplicate key error: a document with _id ${d.id} already exists`);
      }
    }
    for (const d of docs) tx.put(c, d.id, d.fields);
  });
  return { data: { insertedIds: docs.map((d) => d.id) } };
}

/** database.getDocument → `{list: [EJSON string...], limit, offset}`. */
async function getDocument(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  const req = parse(getSchema, body);
  const project = toProjector(req.projection === undefined ? undefined : decodeEjson(req.projection, 'projection', ctx));
  let docs: StoredDoc[];
  const limit = Math.min(req.limit ?? LIMITS.default, LIMITS.max);
  const offset = req.offset ?? 0;
  if (req.queryType === 'DOC') {
    const id = docIdOf(req.query, ctx);
    const doc = await (txOf(req, ctx) ?? ctx.store).get(req.collectionName, id);
    docs = doc ? [doc] : [];
  } else {
    txOf(req, ctx);
    const sort = toSort(req.order === undefined ? undefined : decodeEjson(req.order, 'order', ctx));
    docs = await ctx.store.find(req.collectionName, decodeQuery(req.query, ctx), { sort, skip: offset, limit });
  }
  return { data: { list: docs.map((d) => encodeEjson(project(d))), limit, offset } };
}

function updateOf(req: z.infer<typeof modifySchema>, ctx: ActionContext): MongoUpdate {
  const update = toStoreUpdate(decodeEjson(req.data, 'data', ctx));
  checkUpdate(update); // refused now, before anything is read or written
  return update;
}

/** database.modifyDocument → `{updated, upsert_id?}` (upsert_id only when a set created the document). */
async function modifyDocument(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  const req = parse(modifySchema, body);
  const merge = req.merge ?? true;
  const c = req.collectionName;
  if (req.queryType === 'WHERE') {
    txOf(req, ctx);
    if (!merge) throw requestFailed('a WHERE modify must merge (replacing many documents is not supported)');
    if (req.upsert === true) throw requestFailed('upsert is not supported for WHERE updates by the local cloud');
    const query = decodeQuery(req.query, ctx);
    const update = updateOf(req, ctx);
    if (req.multi ?? true) return { data: { updated: await ctx.store.updateWhere(c, query, update) } };
    const [first] = await ctx.store.find(c, query, { limit: 1 });
    return { data: { updated: first && (await ctx.store.patch(c, first._id, update)) ? 1 : 0 } };
  }
  const id = docIdOf(req.query, ctx);
  const upsert = req.upsert ?? false;
  const decoded = decodeEjson(req.data, 'data', ctx);
  // Checked now, before anything is read or written.
  const checked = merge ? checkUpdate(toStoreUpdate(decoded)) : null;
  const replacement = checked ? null : toReplacement(decoded, id);
  // `merge: false` is doc.set() (@cloudbase/database document.js sends it for set, `merge: true`
  // for update): over an existing document the watch reports it as `dataType: 'replace'`, so the
  // store is told which of the two this whole-document write is.
  return inTx(txOf(req, ctx), ctx, async (tx) => {
    const current = await tx.get(c, id);
    // What the write makes of the document as it is now (null = leave it alone).
    const doc = !current && !upsert ? null : checked ? applyUpdate(current ?? { _id: id }, checked) : replacement;
    if (doc) tx.put(c, id, doc, { merge });
    if (current) return { data: { updated: doc ? 1 : 0 } };
    return { data: { updated: 0, ...(doc ? { upsert_id: id } : {}) } };
  });
}

/** database.removeDocument → `{deleted}`. */
async function removeDocument(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  const req = parse(removeSchema, body);
  const c = req.collectionName;
  if (req.queryType === 'WHERE') {
    txOf(req, ctx);
    const query = decodeQuery(req.query, ctx);
    if (req.multi ?? true) return { data: { deleted: await ctx.store.deleteWhere(c, query) } };
    const [first] = await ctx.store.find(c, query, { limit: 1 });
    return { data: { deleted: first && (await ctx.store.delete(c, first._id)) ? 1 : 0 } };
  }
  const id = docIdOf(req.query, ctx);
  const deleted = await inTx(txOf(req, ctx), ctx, async (tx) => {
    const existed = (await tx.get(c, id)) !== null;
    tx.delete(c, id);
    return existed ? 1 : 0;
  });
  return { data: { deleted } };
}

/** database.calculateDocument → `{total}` (skip and limit do not apply). */
async function calculateDocument(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  const req = parse(countSchema, body);
  return { data: { total: await ctx.store.count(req.collectionName, decodeQuery(req.query, ctx)) } };
}

/**
 * database.addCollection (`db.createCollection(name)`, @cloudbase/database index.js) → `{}`;
 * wx-server-sdk answers `{errMsg: 'createCollection:ok', requestId}`. An existing collection is
 * refused (failures.ts DATABASE_COLLECTION_ALREADY_EXIST).
 */
async function addCollection(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  ctx.catalog.create(parse(addCollectionSchema, body).collectionName, ctx.now());
  return {};
}

/** database.startTransaction → top-level `transactionId`. */
async function startTransaction(_body: unknown, ctx: ActionContext): Promise<ActionResult> {
  return { transactionId: ctx.transactions.start() };
}

async function commitTransaction(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  await ctx.transactions.commit(parse(finishTxSchema, body).transactionId);
  return {};
}

async function abortTransaction(body: unknown, ctx: ActionContext): Promise<ActionResult> {
  ctx.transactions.abort(parse(finishTxSchema, body).transactionId);
  return {};
}

/** Every action this API implements, by its wire name. */
export const actions: Readonly<Record<string, (body: unknown, ctx: ActionContext) => Promise<ActionResult>>> = {
  'database.insertDocument': insertDocument,
  'database.getDocument': getDocument,
  'database.modifyDocument': modifyDocument,
  'database.removeDocument': removeDocument,
  'database.calculateDocument': calculateDocument,
  'database.addCollection': addCollection,
  'database.startTransaction': startTransaction,
  'database.commitTransaction': commitTransaction,
  'database.abortTransaction': abortTransaction,
};
