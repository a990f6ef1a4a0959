/**
 * What the vendor client's serializers send, turned into the CloudBase conditions and updates the
 * rest of the local cloud understands (query.ts command markers), so that one validator
 * (toMongoQuery / toCheckedUpdate) and one rule check serve both clients.
 *
 * The vendor encodes conditions as Mongo operators in canonical EJSON (`{"n":{"$numberInt":"3"},
 * "to":{"$in":[...]}}`) and updates as `$set` / `$inc` / `$unset`. Anything else is passed through
 * untouched, where the validators refuse it with a message naming the operator.
 */
import { EJSON } from 'bson';
import { isPlainObject } from '../store/docData';
import { invalid } from '../store/docData';
import type { QueryCommandName } from './query';

const conditionOperators: Record<string, QueryCommandName> = {
  $eq: 'eq',
  $ne: 'neq',
  $neq: 'neq',
  $lt: 'lt',
  $lte: 'lte',
  $gt: 'gt',
  $gte: 'gte',
  $in: 'in',
  $nin: 'nin',
};

/**
 * Parses the vendor's EJSON text. Relaxed, so numbers come back as numbers; a `$date` comes back as
 * a Date, which the store's validators refuse (it holds JSON values only, see docData.ts).
 */
export function parseEjson(text: string, what: string): unknown {
  try {
    return EJSON.parse(text, { relaxed: true }) as unknown;
  } catch (err) {
    throw invalid(`${what}: not EJSON (${(err as Error).message})`);
  }
}

/** A vendor condition (already parsed) as a CloudBase condition with command markers. */
export function fromVendorCondition(query: unknown): Record<string, unknown> {
  if (!isPlainObject(query)) throw invalid('query: must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    const ops = isPlainObject(value) ? Object.keys(value) : [];
    const op = ops.length === 1 ? conditionOperators[ops[0]] : undefined;
    out[key] = op ? { $cmd: op, value: (value as Record<string, unknown>)[ops[0]] } : value;
  }
  return out;
}

/**
 * A watch's `query` field: JSON text whose value is the condition itself (`doc(id).watch`) or, for
 * `where(...).watch`, the condition's EJSON text once more (the vendor stringifies it twice).
 * Absent for a watch of the whole collection.
 */
export function parseWatchQuery(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let outer: unknown;
  try {
    outer = JSON.parse(text) as unknown;
  } catch {
    throw invalid('query: not JSON');
  }
  // A collection's own watch sends its empty filter as "" (stringified again).
  const condition = typeof outer === 'string' ? (outer === '' ? {} : parseEjson(outer, 'query')) : outer;
  return fromVendorCondition(condition);
}

/** A vendor update (`$set` / `$inc` / `$unset`, or plain fields for `set`) as CloudBase update data. */
export function fromVendorUpdate(update: unknown): Record<string, unknown> {
  if (!isPlainObject(update)) throw invalid('data: must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(update)) {
    if (!key.startsWith('$')) {
      out[key] = value;
      continue;
    }
    if (!isPlainObject(value) || !['$set', '$inc', '$unset'].includes(key)) throw invalid(`data: unsupported update operator ${key}`);
    for (const [path, operand] of Object.entries(value)) {
      out[path] = key === '$set' ? operand : key === '$inc' ? { $cmd: 'inc', value: operand } : { $cmd: 'remove' };
    }
  }
  return out;
}
