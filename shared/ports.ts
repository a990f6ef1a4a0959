/**
 * The narrow interfaces the core depends on. Each is the subset of wx-server-sdk's `DB.Database`
 * that we use, with the result shapes wx-server-sdk really returns when the database is created
 * with `{ throwOnNotFound: false }`. The cloud entry wires in wx-server-sdk
 * (cloudfunctions/jrtc/src/platformDatabase.ts); tests run the same SDK against the local cloud.
 */

/** A stored document: plain JSON-like data. `_id` is set by the database. */
export type DocData = Record<string, unknown>;

/**
 * Query and update operators (`db.command`). Values are opaque markers that the database
 * implementation understands; the core only passes them back into `where` / `update`.
 */
export interface DbCommand {
  eq(value: unknown): unknown;
  neq(value: unknown): unknown;
  lt(value: unknown): unknown;
  lte(value: unknown): unknown;
  gt(value: unknown): unknown;
  gte(value: unknown): unknown;
  in(values: unknown[]): unknown;
  nin(values: unknown[]): unknown;
  /** Update operator: add `n` to a number field. */
  inc(n: number): unknown;
  /** Update operator: delete the field. */
  remove(): unknown;
}

/** A query over one collection (immutable builder, as in wx-server-sdk). */
export interface DbQuery {
  where(condition: Record<string, unknown>): DbQuery;
  orderBy(field: string, order: 'asc' | 'desc'): DbQuery;
  skip(offset: number): DbQuery;
  limit(max: number): DbQuery;
  get(): Promise<{ data: DocData[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

/** One document by id. */
export interface DbDocument {
  /** `data` is null when the document does not exist (database created with throwOnNotFound: false). */
  get(): Promise<{ data: DocData | null }>;
  /** Replaces the whole document, creating it if absent. `data` must not contain `_id`. */
  set(options: { data: DocData }): Promise<unknown>;
  /** Merges fields (nested objects merge; `command.inc` / `command.remove` apply). */
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

/** A collection: queries plus document access. */
export interface DbCollection extends DbQuery {
  doc(id: string): DbDocument;
  add(options: { data: DocData }): Promise<{ _id: string }>;
}

/** A collection inside a transaction: document-level operations only (a CloudBase rule). */
export interface TxCollection {
  doc(id: string): DbDocument;
  add(options: { data: DocData }): Promise<{ _id: string }>;
}

/** The handle a transaction callback receives. */
export interface DbTransaction {
  collection(name: string): TxCollection;
}

/** The database, as the core sees it. */
export interface Database {
  collection(name: string): DbCollection;
  readonly command: DbCommand;
  /**
   * Runs `fn` as one transaction; throwing inside rolls it back and rethrows.
   * The platform may run `fn` more than once on conflict, so it must have no other side effects.
   * `retries`: the platform's immediate retries after a write conflict (@cloudbase/database: 3 by
   * default; 0 = one attempt). transact.ts retries with backoff instead.
   */
  runTransaction<T>(fn: (tx: DbTransaction) => Promise<T>, retries?: number): Promise<T>;
}

/** The clock the core reads time from (ms since the epoch). */
export interface Clock {
  now(): number;
}

/** Who is calling, as the platform vouches for it (wx-server-sdk `getWXContext()`). */
export interface CallerContext {
  OPENID: string;
  APPID: string;
  ENV: string;
  /** 'wx_client' from a mini program, 'wx_http' / 'wx_unknown' / timer etc. otherwise. */
  SOURCE: string;
}

/** Random bytes for session ids and nonces. */
export interface RandomSource {
  /** A url-safe random string of about `bytes` bytes of entropy. */
  id(bytes: number): string;
}

/** A WeChat subscription message, as wx-server-sdk's `cloud.openapi.subscribeMessage.send` takes it. */
export interface SubscribeMessage {
  /** The recipient's OPENID. */
  touser: string;
  templateId: string;
  /** The mini program page the message opens, with its query. */
  page: string;
  data: Record<string, { value: string }>;
}

/** Sends subscription messages; rejects with the platform's error (its `errCode`) when WeChat refuses. */
export interface Messenger {
  sendSubscribeMessage(message: SubscribeMessage): Promise<void>;
}

/**
 * Signs WeChat VoIP chat joins: wx-server-sdk's `cloud.getVoIPSign`, which signs for the calling
 * user; rejects with the platform's error when it refuses.
 */
export interface VoipSigner {
  sign(params: { groupId: string; nonce: string; timestamp: number }): Promise<string>;
}
