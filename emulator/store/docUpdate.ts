import { assertFieldPath, cloneData, copyJson, describe, invalid, isPlainObject } from './docData';
import type { MongoUpdate, StoredDoc } from './storeTypes';

/** Validation and application of Mongo-style updates ($set, $inc, $unset) to stored documents. */

const updateOperators = new Set(['$set', '$inc', '$unset']);

/** A checked update: validated paths, copied values, no conflicting paths. */
export interface CheckedUpdate {
  set: Array<[string, unknown]>;
  inc: Array<[string, number]>;
  unset: string[];
}

/** Validates an update once (operators, paths, values, conflicts) so it can be applied to many documents. */
export function checkUpdate(update: MongoUpdate): CheckedUpdate {
  if (!isPlainObject(update)) throw invalid(`update: must be a plain object, got ${describe(update)}`);
  const out: CheckedUpdate = { set: [], inc: [], unset: [] };
  const paths: string[] = [];
  const record = update as Record<string, unknown>;
  for (const op of Object.keys(record)) {
    if (!updateOperators.has(op)) throw invalid(`update: unsupported update operator ${op}`);
    const fields = record[op];
    if (fields === undefined) continue;
    if (!isPlainObject(fields)) throw invalid(`update: ${op} needs a plain object`);
    for (const [p, value] of Object.entries(fields)) {
      assertFieldPath(p, `update.${op}`);
      if (p === '_id' || p.startsWith('_id.')) throw invalid('update: _id cannot be changed');
      paths.push(p);
      if (op === '$set') {
        if (value === undefined) throw invalid(`update.$set.${p}: undefined is not a value`);
        out.set.push([p, cloneData(value, `update.$set.${p}`)]);
      } else if (op === '$inc') {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`update.$inc.${p}: needs a finite number`);
        out.inc.push([p, value]);
      } else {
        if (value !== true) throw invalid(`update.$unset.${p}: must be true`);
        out.unset.push(p);
      }
    }
  }
  if (paths.length === 0) throw invalid('update: nothing to update');
  // Mongo refuses an update that touches a path twice or a path and its parent; so do we.
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur === prev || cur.startsWith(`${prev}.`)) throw invalid(`update: paths '${prev}' and '${cur}' conflict`);
  }
  return out;
}

/** An object or an array: what a dotted path can walk through (a number segment indexes an array, as in MongoDB). */
type Container = Record<string, unknown> | unknown[];

/** The array index a segment names, or null (MongoDB reads only plain non-negative integers as indexes). */
function indexOf(segment: string): number | null {
  return /^(0|[1-9][0-9]{0,6})$/.test(segment) ? Number(segment) : null;
}

function childOf(node: Container, key: string): unknown {
  if (Array.isArray(node)) {
    const i = indexOf(key);
    return i === null ? undefined : node[i];
  }
  return Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
}

/**
 * Writes `value` at `key` of `node`. In an array, `key` must be an index; past the end the array is
 * padded with nulls first (MongoDB's $set on `arr.5` of a 2-element array). `p` names the path in errors.
 */
function putChild(node: Container, key: string, value: unknown, p: string): void {
  if (!Array.isArray(node)) {
    node[key] = value;
    return;
  }
  const i = indexOf(key);
  if (i === null) throw invalid(`update: cannot create field '${key}' of '${p}' in an array (use an index)`);
  while (node.length < i) node.push(null);
  node[i] = value;
}

/**
 * Walks to the container that holds the last segment of `p`, through objects and, by index, arrays.
 * A missing step is created as an object when `create` (else null is returned); a step that holds
 * a scalar cannot be walked through (MongoDB refuses the update).
 */
function parentOf(doc: Record<string, unknown>, p: string, create: boolean): [Container, string] | null {
  const segments = p.split('.');
  let node: Container = doc;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const key = segments[i];
    const next = childOf(node, key);
    if (next === undefined || (next === null && Array.isArray(node))) {
      if (!create) return null;
      const fresh: Record<string, unknown> = {};
      putChild(node, key, fresh, p);
      node = fresh;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      node = next;
    } else {
      if (!create) return null;
      throw invalid(`update: cannot set '${p}': '${segments.slice(0, i + 1).join('.')}' is not an object`);
    }
  }
  return [node, segments[segments.length - 1]];
}

/** Applies a checked update to a copy of `doc` (MongoDB's semantics, array indexes included). */
export function applyUpdate(doc: StoredDoc, update: CheckedUpdate): StoredDoc {
  const out = copyJson(doc);
  for (const [p, value] of update.set) {
    const [node, key] = parentOf(out, p, true) as [Container, string];
    putChild(node, key, copyJson(value), p);
  }
  for (const [p, n] of update.inc) {
    const [node, key] = parentOf(out, p, true) as [Container, string];
    const current = childOf(node, key);
    if (current === undefined) putChild(node, key, n, p);
    else if (typeof current === 'number') {
      const sum = current + n;
      if (!Number.isFinite(sum)) throw invalid(`update: $inc of '${p}' overflows`);
      putChild(node, key, sum, p);
    } else throw invalid(`update: cannot $inc '${p}': it holds ${describe(current)}, not a number`);
  }
  for (const p of update.unset) {
    const found = parentOf(out, p, false);
    if (!found) continue;
    const [node, key] = found;
    if (!Array.isArray(node)) delete node[key];
    // MongoDB's $unset of an array element leaves the array's length alone: the element becomes null.
    else if (indexOf(key) !== null && (indexOf(key) as number) < node.length) node[indexOf(key) as number] = null;
  }
  return out;
}
