/**
 * The failures of the Admin API, in CloudBase's style: HTTP 200 with `{code, message, requestId}`.
 * node-sdk turns such a reply into a thrown TcbError, and wx-server-sdk maps `code` through its
 * TCB_ERR_CODE table to the `errCode` of the error it throws (an unknown code becomes -501001), so
 * the codes used here are the ones that table knows wherever one fits.
 */
import { CatalogError, CollectionNotExistError } from '../catalog/catalog';
import { DatabaseError, INVALID_PARAM_ERRCODE } from '../store/docData';

/** The `code` strings this API answers with. */
export type AdminFailureCode =
  /** The body or one of its fields is malformed (wx-server-sdk: -501007). */
  | 'INVALID_PARAM'
  /** The request names an env this local cloud does not serve (not in TCB_ERR_CODE: -501001). */
  | 'INVALID_ENV'
  /** No TC3 Authorization header (not in TCB_ERR_CODE: -501001). */
  | 'SIGN_PARAM_INVALID'
  /** An action this API does not implement (-501001). */
  | 'INVALID_ACTION'
  /**
   * A database call on a collection never created (wx-server-sdk TCB_ERR_CODE: -502005), on every
   * action that names a collection (emulator/catalog).
   */
  | 'DATABASE_COLLECTION_NOT_EXIST'
  /**
   * `db.createCollection` of a collection that exists. CloudBase refuses it (HTTP API
   * "创建集合": 409 集合已存在); the code string is the local cloud's choice, not in TCB_ERR_CODE, so
   * wx-server-sdk surfaces it as -501001.
   */
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  /** The database refused the request: bad query, update or data, duplicate _id (-502001). */
  | 'DATABASE_REQUEST_FAILED'
  /** A transaction id that is unknown, finished or timed out (-502001 family, not in the table: -501001). */
  | 'DATABASE_TRANSACTION_FAIL'
  /**
   * A write inside a transaction hit a document another open transaction has locked, or one changed
   * since the transaction began (store/lockTx.ts). wx-server-sdk maps it to -501001 and drops the
   * code, so @cloudbase/database's runTransaction does not retry it; the caller must.
   */
  | 'DATABASE_TRANSACTION_CONFLICT'
  /** Anything unexpected (-501001). */
  | 'SYS_ERR';

/** A refusal that becomes a `{code, message}` reply; nothing was changed. */
export class AdminFailure extends Error {
  constructor(
    readonly code: AdminFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminFailure';
  }
}

/** Shorthand for the most common failure, a malformed parameter. */
export function invalidParam(message: string): AdminFailure {
  return new AdminFailure('INVALID_PARAM', message);
}

/** Shorthand for a refusal of the database itself. */
export function requestFailed(message: string): AdminFailure {
  return new AdminFailure('DATABASE_REQUEST_FAILED', message);
}

/**
 * Any error of a handler as a failure. The store's DatabaseErrors are the caller's fault (bad
 * names, queries, values) except a closed store; everything else is our bug and reported as such.
 */
export function toFailure(err: unknown): AdminFailure {
  if (err instanceof AdminFailure) return err;
  if (err instanceof CollectionNotExistError) return new AdminFailure('DATABASE_COLLECTION_NOT_EXIST', err.message);
  if (err instanceof CatalogError) return err.reason === 'exists' ? new AdminFailure('DATABASE_COLLECTION_ALREADY_EXIST', err.message) : invalidParam(err.message);
  if (err instanceof DatabaseError) {
    if (err.code === 'DB_CLOSED') return new AdminFailure('SYS_ERR', err.message);
    if (err.code === 'DB_WRITE_CONFLICT') return new AdminFailure('DATABASE_TRANSACTION_CONFLICT', err.message);
    if (err.code === 'DB_TX_CLOSED') return new AdminFailure('DATABASE_TRANSACTION_FAIL', err.message);
    if (err.errCode === INVALID_PARAM_ERRCODE) return invalidParam(err.message);
    return requestFailed(err.message);
  }
  return new AdminFailure('SYS_ERR', 'internal error of the local admin API');
}
