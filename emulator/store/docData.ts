import { CloudErrors } from '../cloudErrors';
import { randomBytes } from 'crypto';
import type { FindOptions, MongoQuery, StoredDoc } from './storeTypes';

/**
 * Document data of the local store: the DatabaseError type, validation of documents, queries,
 * paths and find options, and the copy / compare / diff of stored JSON-like values.
 */

/**
 * Why the data layer refused a call, and the `errCode` wx-server-sdk's error carries for the same
 * refusal from the platform by default (DatabaseError.errCode).
 */
const databaseErrors = {
  /** A bad collection name, id, value, query or update. */
  DB_INVALID_ARGUMENT: CloudErrors.DATABASE_REQUEST_FAILED.errCode,
  /** A document that must exist does not. */
  DB_NOT_FOUND: -1,
  /** `add` with an `_id` that is already taken. */
  DB_DUPLICATE_ID: CloudErrors.DATABASE_REQUEST_FAILED.errCode,
  /** A write or transaction started inside a transaction (it would wait for itself forever). */
  DB_NESTED_WRITE: CloudErrors.SYS_ERR.errCode,
  /** The store was closed. */
  DB_CLOSED: CloudErrors.SYS_ERR.errCode,
  /**
   * A transaction wrote a document another open transaction has locked, or one changed since the
   * transaction began (lockTx.ts). CloudBase fails such a write at once (小程序云开发 guide, 数据库事务).
   */
  DB_WRITE_CONFLICT: CloudErrors.SYS_ERR.errCode,
  /** A transaction used after its commit, abort or timeout. */
  DB_TX_CLOSED: CloudErrors.SYS_ERR.errCode,
  /** An operation of a transaction started while another of the same transaction was in flight (lockTx.ts). */
  DB_TX_CONCURRENT: CloudErrors.DATABASE_REQUEST_FAILED.errCode,
} as const;

/** Why the data layer refused a call (see databaseErrors). */
export type DatabaseErrorCode = keyof typeof databaseErrors;

/**
 * An error of the data layer. Its codes are deliberately not protocol codes: a bad query is a bug
 * of the caller, so `toProtocolError` at the function edge turns it into INTERNAL, as a failing
 * wx-server-sdk call would be in the real cloud.
 */
export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;
  /**
   * The `errCode` wx-server-sdk's error carries for the same refusal from the platform (its
   * TCB_ERR_CODE table: -502001 database request failed, -501007 invalid parameter, -501001
   * system error; -1 for a missing document with throwOnNotFound), so code that reads
   * `err.errCode` sees the same number locally as in the cloud. `errMsg` is the message.
   */
  readonly errCode: number;
  readonly errMsg: string;

  constructor(code: DatabaseErrorCode, message: string, errCode: number = databaseErrors[code]) {
    super(message);
    this.name = 'DatabaseError';
    this.code = code;
    this.errCode = errCode;
    this.errMsg = message;
  }
}

/** wx-server-sdk's errCode of an invalid parameter (e.g. a collection name), TCB_ERR_CODE.INVALID_PARAM. */
export const INVALID_PARAM_ERRCODE = CloudErrors.INVALID_PARAM.errCode;

/**
 * How many documents a `get` returns (小程序云开发 guide, 数据库 → 查询): on the server (wx-server-sdk,
 * the Admin API) 100 without `limit` and never more than 1000; on a client (a mini program) 20 at most.
 */
export const GET_LIMITS = { server: { default: 100, max: 1000 }, client: { max: 20 } } as const;

/** A new document id as CloudBase makes them: 32 hex characters. */
export function newDocId(): string {
  return randomBytes(16).toString('hex');
}

const collectionNamePattern = /^[A-Za-z0-9_-]{1,100}$/;
const maxDepth = 64;
const queryOperators = new Set(['$lt', '$lte', '$gt', '$gte', '$ne', '$in', '$nin', '$exists']);

/** What parseJson returns for text that is not JSON. */
export const NOT_JSON = Symbol('not JSON');

/** `text` parsed as JSON, or NOT_JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** A DB_INVALID_ARGUMENT error carrying `message`. */
export function invalid(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message);
}

/**
 * True for `{...}` objects (any realm), false for arrays, class instances, Dates, null.
 * Cross-realm safe because function code may be loaded in a separate context.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Names the kind of a value for error messages (`null`, `string`, `a Date`, ...). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? `a ${ctor.name}` : 'an object';
}

/** The cheap test of assertFieldName's rules, for the hot path. */
function isFieldName(key: string): boolean {
  return key !== '' && key.charCodeAt(0) !== 36 /* $ */ && !key.includes('.') && key !== '__proto__';
}

/** `$`-prefixed and dotted field names would read as operators and paths; `__proto__` would corrupt plain objects. */
function assertFieldName(key: string, where: string): void {
  if (key === '') throw invalid(`${where}: empty field name`);
  if (key.startsWith('$')) throw invalid(`${where}: field name '${key}' may not start with '$'`);
  if (key.includes('.')) throw invalid(`${where}: field name '${key}' may not contain '.'`);
  if (key === '__proto__') throw invalid(`${where}: field name '__proto__' is not allowed`);
}

/** Checks a dot path such as `stream.publishing` (each segment a valid field name). */
export function assertFieldPath(p: string, where: string): void {
  if (typeof p !== 'string' || p === '') throw invalid(`${where}: empty field path`);
  for (const segment of p.split('.')) {
    if (segment === '') throw invalid(`${where}: malformed field path '${p}'`);
    if (segment.startsWith('$')) throw invalid(`${where}: field path '${p}' may not contain '$' segments`);
    if (segment === '__proto__') throw invalid(`${where}: field path '${p}' is not allowed`);
  }
}

/** The dot path of `key` under `parent` (`parent` empty = the document root). */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Validates JSON-like data and returns a deep copy of it. Only null, booleans, finite numbers,
 * strings, arrays and plain objects are stored (the journal and the collection files are JSON,
 * which would turn Dates into strings and drop functions silently). `undefined` object fields are omitted, as JSON does. `where` names the
 * value in error messages.
 */
export function cloneData(value: unknown, where: string): unknown {
  return cloneAt(value, where, [], 0);
}

/**
 * The dot path of a value `path` levels below `where`, for an error message. Every write copies
 * its data through cloneAt, so the path is kept as keys and only turned into text on failure.
 */
function pathText(where: string, path: ReadonlyArray<string | number>): string {
  let text = where;
  for (const key of path) text = typeof key === 'number' ? `${text}.${key}` : childPath(text, key);
  return text;
}

function cloneAt(value: unknown, where: string, path: Array<string | number>, depth: number): unknown {
  if (depth > maxDepth) throw invalid(`${pathText(where, path)}: nested deeper than ${maxDepth} levels`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`${pathText(where, path)}: ${value} is not a finite number`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          path.push(i);
          if (item === undefined) throw invalid(`${pathText(where, path)}: undefined is not allowed in arrays`);
          out.push(cloneAt(item, where, path, depth + 1));
          path.pop();
        }
        return out;
      }
      if (!isPlainObject(value)) {
        throw invalid(
          `${pathText(where, path)}: ${describe(value)} is not storable (only null, booleans, finite numbers, strings, arrays and plain objects)`,
        );
      }
      return cloneFields({}, value, where, path, depth);
    }
    default:
      throw invalid(`${pathText(where, path)}: ${typeof value} is not storable`);
  }
}

/** Copies the fields of the plain object `value` into `out`, validating each. */
function cloneFields<T extends Record<string, unknown>>(out: T, value: Record<string, unknown>, where: string, path: Array<string | number>, depth: number): T {
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = value[key];
    if (item === undefined) continue;
    if (!isFieldName(key)) assertFieldName(key, pathText(where, path));
    path.push(key);
    (out as Record<string, unknown>)[key] = cloneAt(item, where, path, depth + 1);
    path.pop();
  }
  return out;
}

/** Deep copy of data already validated by `cloneData` (no checks: the hot path of reads and events). */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => copyJson(item)) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = copyJson(item);
  return out as T;
}

/** Structural equality of JSON-like values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item: unknown, i) => jsonEqual(item, b[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every(
    (k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]),
  );
}

/** Whether `name` is a valid collection name: 1-100 of A-Z a-z 0-9 _ - (it also names the `<collection>.db` file). */
export function isCollectionName(name: unknown): boolean {
  return typeof name === 'string' && collectionNamePattern.test(name);
}

/** Checks a collection name (isCollectionName). */
export function assertCollectionName(name: string): void {
  if (!isCollectionName(name)) {
    throw new DatabaseError(
      'DB_INVALID_ARGUMENT',
      `invalid collection name ${JSON.stringify(name)} (1-100 of A-Z a-z 0-9 _ -)`,
      INVALID_PARAM_ERRCODE,
    );
  }
}

/** Checks a document id: a non-empty string. */
export function assertDocId(id: string): void {
  if (typeof id !== 'string' || id === '') throw invalid(`invalid document id ${JSON.stringify(id)}`);
}

/** Validates a whole document for `put` and returns the stored copy, `_id` first. */
export function toStoredDoc(id: string, doc: Record<string, unknown>): StoredDoc {
  if (!isPlainObject(doc)) throw invalid(`document ${id}: data must be a plain object, got ${describe(doc)}`);
  const given = Object.prototype.hasOwnProperty.call(doc, '_id') ? doc._id : undefined;
  if (given !== undefined && given !== id) throw invalid(`document ${id}: data._id ${JSON.stringify(given)} differs`);
  // A given `_id` equals `id`: copying it over the first key changes nothing.
  return cloneFields<StoredDoc>({ _id: id }, doc, `document ${id}`, [], 0);
}

/** Validates a query: only the operators the store matches (mongoQuery.ts), nothing that runs code ($where). */
export function assertMongoQuery(query: MongoQuery, where = 'query'): void {
  if (!isPlainObject(query)) throw invalid(`${where}: must be a plain object, got ${describe(query)}`);
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw invalid(`${where}: ${key} needs a non-empty array`);
      value.forEach((sub: unknown, i) => assertMongoQuery(sub as MongoQuery, `${where}.${key}[${i}]`));
      continue;
    }
    if (key.startsWith('$')) throw invalid(`${where}: unsupported query operator ${key}`);
    assertFieldPath(key, where);
    assertCondition(value, `${where}.${key}`);
  }
}

function assertCondition(value: unknown, where: string): void {
  if (value === undefined) throw invalid(`${where}: undefined is not a query value`);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const ops = keys.filter((k) => k.startsWith('$'));
    if (ops.length > 0) {
      if (ops.length !== keys.length) throw invalid(`${where}: operators and fields may not be mixed`);
      for (const op of ops) {
        if (!queryOperators.has(op)) throw invalid(`${where}: unsupported query operator ${op}`);
        const operand = value[op];
        if (op === '$in' || op === '$nin') {
          if (!Array.isArray(operand)) throw invalid(`${where}: ${op} needs an array`);
        } else if (op === '$exists') {
          if (typeof operand !== 'boolean') throw invalid(`${where}: $exists needs a boolean`);
        }
        cloneData(operand, `${where}.${op}`);
      }
      return;
    }
  }
  cloneData(value, where);
}

/** Dot-path diff of two versions of a document, as CloudBase's watch reports it. */
export function diffDocs(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { updatedFields: Record<string, unknown>; removedFields: string[] } {
  const updatedFields: Record<string, unknown> = {};
  const removedFields: string[] = [];
  const walk = (b: Record<string, unknown>, a: Record<string, unknown>, prefix: string): void => {
    for (const [key, av] of Object.entries(a)) {
      const p = childPath(prefix, key);
      if (!Object.prototype.hasOwnProperty.call(b, key)) updatedFields[p] = copyJson(av);
      else if (isPlainObject(av) && isPlainObject(b[key])) walk(b[key] as Record<string, unknown>, av, p);
      else if (!jsonEqual(av, b[key])) updatedFields[p] = copyJson(av);
    }
    for (const key of Object.keys(b)) {
      if (!Object.prototype.hasOwnProperty.call(a, key)) removedFields.push(childPath(prefix, key));
    }
  };
  walk(before, after, '');
  return { updatedFields, removedFields };
}

/** Checks the sort / skip / limit of `find`. */
export function checkFindOptions(options: FindOptions): void {
  if (!isPlainObject(options)) throw invalid('find options must be a plain object');
  if (options.sort !== undefined) {
    if (!isPlainObject(options.sort)) throw invalid('sort must be a plain object');
    for (const [p, dir] of Object.entries(options.sort)) {
      assertFieldPath(p, 'sort');
      if (dir !== 1 && dir !== -1) throw invalid(`sort.${p}: must be 1 or -1`);
    }
  }
  for (const key of ['skip', 'limit'] as const) {
    const n: unknown = options[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)) throw invalid(`${key} must be a non-negative integer`);
  }
}

/** Checks the index configuration of `DocumentStore.open`: collection -> non-empty field lists. */
export function assertIndexConfig(indexes: Record<string, string[][]>): void {
  for (const [collection, lists] of Object.entries(indexes)) {
    assertCollectionName(collection);
    if (!Array.isArray(lists)) throw invalid(`indexes.${collection}: must be a list of field lists`);
    for (const fields of lists) {
      if (!Array.isArray(fields) || fields.length === 0) throw invalid(`indexes.${collection}: empty index`);
      for (const f of fields) {
        assertFieldPath(f, `indexes.${collection}`);
        if (f.includes(',')) throw invalid(`indexes.${collection}: field '${f}' may not contain ','`);
      }
    }
  }
}
