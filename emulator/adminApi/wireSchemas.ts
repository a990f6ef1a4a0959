/**
 * The request bodies of POST /admin, as node-sdk 3.17.2 / @cloudbase/database 1.4.3 send them
 * (see PROTOCOL.md). node-sdk adds `envName`, the wx tokens and `action` to every body; EJSON
 * fields (query, data, order, projection) are strings, decoded later (ejson.ts).
 */
import { z } from 'zod';

const ejsonText = z.string().max(6 * 1024 * 1024);
const collectionName = z.string().min(1);
const transactionId = z.string().min(1).optional();
const queryType = z.enum(['DOC', 'WHERE']);
// The SDK leaves `query` out (or empty) for an unfiltered collection.
const query = ejsonText.optional();

/** Fields every action carries. */
export const envelopeSchema = z.object({
  action: z.string().min(1),
  envName: z.string().optional(),
});

/**
 * database.insertDocument: collection.add / doc.create, one EJSON string per document. CloudBase
 * documents no count limit for a batch insert (docs.cloudbase.net/http-api/nosql/insert-documents:
 * "批量插入一个或多个文档"), so none here either: the request's 6 MiB bounds it.
 */
export const insertSchema = z.object({
  collectionName,
  data: z.array(ejsonText).min(1),
  transactionId,
});

/** What the query actions name: the collection and, as DOC `{_id}` or WHERE, the documents. */
const targetSchema = z.object({ collectionName, query, queryType });
const multi = z.boolean().optional();

/** database.getDocument: doc.get (DOC, query `{_id}`) and where().get() (WHERE). */
export const getSchema = targetSchema.extend({
  multi,
  transactionId,
  order: ejsonText.optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
  projection: ejsonText.optional(),
});

/** database.modifyDocument: doc.set (merge false, upsert true), doc.update and where().update() (merge true). */
export const modifySchema = targetSchema.extend({ data: ejsonText, multi, merge: z.boolean().optional(), upsert: z.boolean().optional(), transactionId });

/** database.removeDocument: doc.remove (DOC) and where().remove() (WHERE). */
export const removeSchema = targetSchema.extend({ multi, transactionId });

/** database.calculateDocument: count(). */
export const countSchema = targetSchema;

/** database.commitTransaction / database.abortTransaction. */
export const finishTxSchema = z.object({ transactionId: z.string().min(1) });

/** database.addCollection: `db.createCollection(name)` (@cloudbase/database index.js). */
export const addCollectionSchema = z.object({ collectionName });
