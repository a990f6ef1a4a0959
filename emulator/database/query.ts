import type { DbCommand } from '../../cloudfunctions/jrtc/src/ports';
import { DatabaseError, assertFieldPath, cloneData, isPlainObject } from '../store/docData';
import type { CheckedUpdate } from '../store/docUpdate';
import type { MongoQuery, MongoUpdate } from '../store/storeTypes';

/**
 * CloudBase-style conditions and updates (what the core passes to `where` / `update`) translated
 * to the store's Mongo-style queries and updates.
 *
 * Command markers. `localCommand.lt(3)` returns the plain object `{ $cmd: 'lt', value: 3 }`;
 * `inc(n)` returns `{ $cmd: 'inc', value: n }` and `remove()` returns `{ $cmd: 'remove' }`.
 * They are JSON-safe (a watch request can carry them over a socket and they still mean the same)
 * and cannot be confused with user data: stored field names may not start with `$`, so no
 * stored object can look like a marker. Any other `$` key in a condition or update is refused.
 */

/** The key that makes a plain object a command marker. */
export const COMMAND_KEY = '$cmd';

/** Query commands: comparisons usable in `where`. */
export type QueryCommandName = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'nin';

/** A command marker as `localCommand` builds it. */
export type CommandMarker =
  | { $cmd: QueryCommandName; value: unknown }
  | { $cmd: 'inc'; value: number }
  | { $cmd: 'remove' };

const queryCommands: Record<QueryCommandName, string | null> = {
  eq: null,
  neq: '$ne',
  lt: '$lt',
  lte: '$lte',
  gt: '$gt',
  gte: '$gte',
  in: '$in',
  nin: '$nin',
};

function invalid(message: string): DatabaseError {
  return new DatabaseError('DB_INVALID_ARGUMENT', message);
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** True when `value` is an object carrying the marker key (it may still be malformed). */
export function isCommandMarker(value: unknown): value is CommandMarker {
  return isPlainObject(value) && hasOwn(value, COMMAND_KEY);
}

/** Checks a marker's shape: known command, `value` exactly when needed, of the right type. */
function parseMarker(marker: Record<string, unknown>, where: string): CommandMarker {
  const name = marker[COMMAND_KEY];
  const extra = Object.keys(marker).filter((k) => k !== COMMAND_KEY && k !== 'value');
  if (extra.length > 0) throw invalid(`${where}: malformed command (unexpected ${extra.join(', ')})`);
  if (name === 'remove') {
    if (hasOwn(marker, 'value')) throw invalid(`${where}: command.remove() takes no value`);
    return { $cmd: 'remove' };
  }
  if (!hasOwn(marker, 'value') || marker.value === undefined) throw invalid(`${where}: command without a value`);
  if (name === 'inc') {
    const n = marker.value;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`${where}: command.inc needs a finite number`);
    return { $cmd: 'inc', value: n };
  }
  if (typeof name === 'string' && hasOwn(queryCommands, name)) {
    if ((name === 'in' || name === 'nin') && !Array.isArray(marker.value)) {
      throw invalid(`${where}: command.${name} needs an array`);
    }
    return { $cmd: name as QueryCommandName, value: marker.value };
  }
  throw invalid(`${where}: unsupported command ${JSON.stringify(name)}`);
}

/** `db.command` of the local database: builds the markers described above. */
export const localCommand: DbCommand = {
  eq: (value) => ({ $cmd: 'eq', value }),
  neq: (value) => ({ $cmd: 'neq', value }),
  lt: (value) => ({ $cmd: 'lt', value }),
  lte: (value) => ({ $cmd: 'lte', value }),
  gt: (value) => ({ $cmd: 'gt', value }),
  gte: (value) => ({ $cmd: 'gte', value }),
  in: (values) => {
    if (!Array.isArray(values)) throw invalid('command.in needs an array');
    return { $cmd: 'in', value: values };
  },
  nin: (values) => {
    if (!Array.isArray(values)) throw invalid('command.nin needs an array');
    return { $cmd: 'nin', value: values };
  },
  inc: (n) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid('command.inc needs a finite number');
    return { $cmd: 'inc', value: n };
  },
  remove: () => ({ $cmd: 'remove' }),
};

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Refuses raw Mongo operators and malformed paths in condition/update keys. */
function checkKey(key: string, where: string): void {
  if (key.startsWith('$')) {
    throw invalid(`${where}: unsupported operator ${key} (use db.command, e.g. command.lt(3))`);
  }
  assertFieldPath(key, where);
}

/**
 * `{roomKey: 'a', n: command.lt(3), 'stream.publishing': true}` -> Mongo query. A nested plain
 * object means equality on each of its leaves (CloudBase flattens it to dot paths); arrays are
 * compared as whole values; an empty object matches an empty object; a null value (or
 * `command.eq(null)`) matches null or a missing field, `command.neq(null)` a present non-null one
 * (the store's MongoDB meaning, store/nullQuery.ts). Throws DatabaseError
 * (DB_INVALID_ARGUMENT) on unsupported operators, update commands, undefined values or a path
 * given twice.
 */
export function toMongoQuery(condition: Record<string, unknown>): MongoQuery {
  if (!isPlainObject(condition)) throw invalid('where: condition must be a plain object');
  const out: MongoQuery = {};
  const add = (p: string, cond: unknown): void => {
    if (hasOwn(out, p)) throw invalid(`where: field '${p}' is given twice`);
    out[p] = cond;
  };
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(obj)) {
      checkKey(key, 'where');
      const p = join(prefix, key);
      const where = `where.${p}`;
      // A silently dropped condition would widen the query to more documents: refuse instead.
      if (value === undefined) throw invalid(`${where}: undefined is not a condition`);
      if (isCommandMarker(value)) {
        const marker = parseMarker(value, where);
        if (marker.$cmd === 'inc' || marker.$cmd === 'remove') {
          throw invalid(`${where}: command.${marker.$cmd} is an update operator, not a condition`);
        }
        const op = queryCommands[marker.$cmd];
        const operand = cloneData(marker.value, where);
        add(p, op === null ? operand : { [op]: operand });
      } else if (isPlainObject(value) && Object.keys(value).length > 0) {
        walk(value, p);
      } else {
        add(p, cloneData(value, where));
      }
    }
  };
  walk(condition, '');
  return out;
}

/**
 * CloudBase update data -> the store's checked update (docUpdate.ts: paths validated, values
 * copied, no conflicts), in one walk. Nested plain objects merge into dot paths
 * (`{stream: {muted: true}}` sets only `stream.muted`); arrays and other values are set whole;
 * an empty object sets `{}`; `command.inc(n)` becomes an increment, `command.remove()` an unset;
 * `undefined` fields are skipped, as JSON serialisation would. Throws DatabaseError on `_id`,
 * query commands, raw `$` operators, conflicting paths or empty data.
 */
export function toCheckedUpdate(data: Record<string, unknown>): CheckedUpdate {
  if (!isPlainObject(data)) throw invalid('update: data must be a plain object');
  const out: CheckedUpdate = { set: [], inc: [], unset: [] };
  const paths: string[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const key in obj) {
      if (!hasOwn(obj, key)) continue;
      const value = obj[key];
      checkKey(key, 'update');
      const p = join(prefix, key);
      if (value === undefined) continue;
      if (p === '_id' || p.startsWith('_id.')) throw invalid('update: _id cannot be changed');
      if (isCommandMarker(value)) {
        const where = `update.${p}`;
        const marker = parseMarker(value, where);
        if (marker.$cmd === 'inc') out.inc.push([p, marker.value]);
        else if (marker.$cmd === 'remove') out.unset.push(p);
        else throw invalid(`${where}: command.${marker.$cmd} is a query operator, not an update`);
        paths.push(p);
      } else if (isPlainObject(value) && Object.keys(value).length > 0) {
        walk(value, p);
      } else {
        // Strings, booleans and finite numbers are stored as they are; the rest is checked and copied.
        const plain = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
        out.set.push([p, plain ? value : cloneData(value, `update.${p}`)]);
        paths.push(p);
      }
    }
  };
  walk(data, '');
  if (paths.length === 0) throw invalid('update: data has no fields to update');
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i] === sorted[i - 1] || sorted[i].startsWith(`${sorted[i - 1]}.`)) {
      throw invalid(`update: fields '${sorted[i - 1]}' and '${sorted[i]}' conflict`);
    }
  }
  return out;
}

/** CloudBase update data -> MongoUpdate (`$set` / `$inc` / `$unset`), checked as toCheckedUpdate does. */
export function toMongoUpdate(data: Record<string, unknown>): MongoUpdate {
  const checked = toCheckedUpdate(data);
  const update: MongoUpdate = {};
  if (checked.set.length > 0) update.$set = Object.fromEntries(checked.set);
  if (checked.inc.length > 0) update.$inc = Object.fromEntries(checked.inc);
  if (checked.unset.length > 0) update.$unset = Object.fromEntries(checked.unset.map((p): [string, true] => [p, true]));
  return update;
}
