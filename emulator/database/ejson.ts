/**
 * Extended JSON as @cloudbase/database writes it (bson's `EJSON.stringify(v, {relaxed: false})`)
 * and reads it back (`EJSON.parse`, relaxed), limited to the types a CloudBase document holds
 * here: numbers, strings, booleans, null, arrays, objects and dates. Written by hand so the
 * emulator does not depend on bson.
 *
 * Dates. The store keeps JSON-like values only, so a date is stored as the plain object
 * `{"#date": <ms since the epoch>}` (a field name no CloudBase document uses; `$` names are not
 * storable). Equality compares it as a whole, and range queries on a date are rewritten to its
 * `#date` number (translate.ts), so both behave as on CloudBase.
 *
 * The one codec of every front end that speaks the vendor's wire: the Admin API (wx-server-sdk),
 * the client's /web endpoint and its realtime watches. Refusals are DatabaseErrors with
 * CloudBase's errCode, which each front end answers in its own envelope.
 */
import { DatabaseError, INVALID_PARAM_ERRCODE, NOT_JSON, isPlainObject, parseJson } from '../store/docData';

/** A malformed value: CloudBase's invalid-parameter refusal (wx-server-sdk -501007). */
function invalidParam(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message, INVALID_PARAM_ERRCODE);
}

/** The field of the stored form of a date. */
export const DATE_KEY = '#date';

/** A date as the store holds it. */
export interface StoredDate {
  [DATE_KEY]: number;
}

/** True for the stored form of a date (exactly one key, a finite number). */
export function isStoredDate(value: unknown): value is StoredDate {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === DATE_KEY && typeof value[DATE_KEY] === 'number' && Number.isFinite(value[DATE_KEY]);
}

/** What decoding needs from the outside: the server's clock, for `db.serverDate()`. */
export interface DecodeContext {
  /** ms since the epoch as the local cloud sees it (EmulatorClock.now). */
  now(): number;
}

/** EJSON type wrappers we turn into values; any other single `$` key is an operator, kept as it is. */
const wrapperKeys = new Set(
  '$numberInt $numberDouble $numberLong $date $tcb_server_date $numberDecimal $oid $regularExpression $regex $binary $timestamp $symbol $code $minKey $maxKey $undefined $dbPointer'.split(' '),
);

function numberFrom(text: unknown, where: string, wrapper: string): number {
  if (typeof text !== 'string') throw invalidParam(`${where}: ${wrapper} needs a string`);
  const n = Number(text);
  // A document cannot hold NaN or infinities here (the store refuses them), so say so now.
  if (text.trim() === '' || !Number.isFinite(n)) throw invalidParam(`${where}: ${wrapper} ${JSON.stringify(text)} is not a finite number`);
  if (wrapper === '$numberLong' && !Number.isSafeInteger(n)) {
    throw invalidParam(`${where}: $numberLong ${text} is outside the safe integer range of the local cloud`);
  }
  return n;
}

function dateFrom(inner: unknown, where: string): StoredDate {
  let ms: number;
  if (typeof inner === 'number') ms = inner;
  else if (typeof inner === 'string') ms = Date.parse(inner);
  else if (isPlainObject(inner) && Object.keys(inner).length === 1 && '$numberLong' in inner) ms = numberFrom(inner.$numberLong, where, '$numberLong');
  else throw invalidParam(`${where}: malformed $date`);
  if (!Number.isFinite(ms)) throw invalidParam(`${where}: invalid $date`);
  return { [DATE_KEY]: ms };
}

function serverDateFrom(inner: unknown, where: string, context: DecodeContext): StoredDate {
  if (!isPlainObject(inner)) throw invalidParam(`${where}: malformed $tcb_server_date`);
  const offset = decodeValue(inner.offset ?? 0, `${where}.offset`, context);
  if (typeof offset !== 'number') throw invalidParam(`${where}: $tcb_server_date.offset must be a number`);
  return { [DATE_KEY]: context.now() + offset };
}

/** Decodes one parsed EJSON value (recursively); `where` names it in errors. */
export function decodeValue(value: unknown, where: string, context: DecodeContext): unknown {
  if (Array.isArray(value)) return value.map((item: unknown, i) => decodeValue(item, `${where}[${i}]`, context));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && wrapperKeys.has(keys[0])) {
    const key = keys[0];
    const inner = value[key];
    switch (key) {
      case '$numberInt':
      case '$numberDouble':
      case '$numberLong':
        return numberFrom(inner, where, key);
      case '$date':
        return dateFrom(inner, where);
      case '$tcb_server_date':
        return serverDateFrom(inner, where, context);
      default:
        throw invalidParam(`${where}: EJSON type ${key} is not supported by the local cloud`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = decodeValue(value[key], `${where}.${key}`, context);
  return out;
}

/** Parses and decodes one EJSON string field of a request. */
export function decodeEjson(text: string, where: string, context: DecodeContext): unknown {
  const parsed = parseJson(text);
  if (parsed === NOT_JSON) throw invalidParam(`${where}: not valid EJSON`);
  return decodeValue(parsed, where, context);
}

function encodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => encodeValue(item));
  if (!isPlainObject(value)) return value;
  if (isStoredDate(value)) return { $date: { $numberLong: String(Math.trunc(value[DATE_KEY])) } };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = encodeValue(item);
  return out;
}

/**
 * A stored document as the EJSON string the SDK's `EJSON.parse` reads: numbers stay plain
 * (relaxed), dates become `{"$date":{"$numberLong":"ms"}}` and so Date objects again.
 */
export function encodeEjson(doc: Record<string, unknown>): string {
  return JSON.stringify(encodeValue(doc));
}
