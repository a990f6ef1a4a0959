/**
 * The public data shapes of the local document store, shared by the store, its transaction
 * buffer and the database facades built on it.
 */

/** A stored document: JSON-like data plus its id. */
export type StoredDoc = Record<string, unknown> & { _id: string };
/**
 * A MongoDB query: field equality, dot paths, $lt $lte $gt $gte $ne $in $nin $exists $and $or, with
 * MongoDB's meaning (mongoQuery.ts): a null condition means null or missing, as in CloudBase.
 */
export type MongoQuery = Record<string, unknown>;
/** A Mongo-style update: $set (dot paths allowed), $inc, $unset. */
export interface MongoUpdate {
  $set?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $unset?: Record<string, true>;
}
/** Sorting and paging of `find`; sort keys apply in insertion order. */
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}
/** One committed change, emitted after it is persisted, in commit order. */
export interface ChangeEvent {
  /** Monotonic per store instance (restarts at 1 when the store is reopened). */
  seq: number;
  collection: string;
  docId: string;
  /** null = created. */
  before: StoredDoc | null;
  /** null = removed. */
  after: StoredDoc | null;
  /** For an update of an existing doc: dot path -> new value (nested plain objects are diffed). */
  updatedFields?: Record<string, unknown>;
  /** For an update of an existing doc: dot paths that no longer exist. */
  removedFields?: string[];
  /**
   * True when an existing document was written whole (`doc(id).set()`, `put` without `merge`)
   * rather than updated: CloudBase's watch reports that as `dataType: 'replace'` with the full
   * document and no `updatedFields` / `removedFields` (@cloudbase/database
   * dist/commonjs/realtime/virtual-websocket-client.js insists on `doc` for a replace), so such an
   * event carries neither.
   */
  replaced?: true;
}

/** Options of `StoreTx.put`. */
export interface PutOptions {
  /**
   * The new document is an update the caller applied itself (the Admin API applies a merge
   * `modifyDocument` so that it can upsert): an existing document is reported as updated, with
   * its dot-path diff, not as replaced. Default false: `put` is `doc(id).set()`.
   */
  merge?: boolean;
}
/** The handle a transaction callback receives. Writes are buffered until the callback resolves. */
export interface StoreTx {
  /** Reads a document, seeing this transaction's own buffered writes. */
  get(collection: string, id: string): Promise<StoredDoc | null>;
  /**
   * Creates or replaces the whole document (`doc._id`, if present, must equal `id`). Over an
   * existing document its change event is a replacement (`replaced`) unless `options.merge`.
   */
  put(collection: string, id: string, doc: Record<string, unknown>, options?: PutOptions): void;
  /** Applies an update to an existing document; false if it does not exist. */
  patch(collection: string, id: string, update: MongoUpdate): Promise<boolean>;
  /** Deletes the document (a no-op if it does not exist). */
  delete(collection: string, id: string): void;
}

/** Options of `DocumentStore.open`. */
export interface StoreOptions {
  /** Directory of the `<collection>.db` files; undefined = memory only. */
  dir?: string;
  /** collection -> index field lists (one field, or several for a compound index). `_id` is always indexed. */
  indexes?: Record<string, string[][]>;
  /**
   * Once the commit journal holds this many bytes, its commits are folded into the collection
   * files and it is emptied (a checkpoint), so that it does not grow for as long as the process
   * runs. Default 8 MiB.
   */
  journalLimitBytes?: number;
}
