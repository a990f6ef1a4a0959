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

/** Walks to the parent object of `p`, creating missing objects when `create`; null if absent. */
export function parentOf(doc: Record<string, unknown>, p: string, create: boolean): [Record<string, unknown>, string] | null {
  const segments = p.split('.');
  let node = doc;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const key = segments[i];
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === undefined) {
      if (!create) return null;
      const fresh: Record<string, unknown> = {};
      node[key] = fresh;
      node = fresh;
    } else if (isPlainObject(next)) {
      node = next;
    } else {
      if (!create) return null;
      throw invalid(`update: cannot set '${p}': '${segments.slice(0, i + 1).join('.')}' is not an object`);
    }
  }
  return [node, segments[segments.length - 1]];
}

/** Applies a checked update to a copy of `doc`. */
export function applyUpdate(doc: StoredDoc, update: CheckedUpdate): StoredDoc {
  const out = copyJson(doc);
  for (const [p, value] of update.set) {
    const [node, key] = parentOf(out, p, true) as [Record<string, unknown>, string];
    node[key] = copyJson(value);
  }
  for (const [p, n] of update.inc) {
    const [node, key] = parentOf(out, p, true) as [Record<string, unknown>, string];
    const current = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (current === undefined) node[key] = n;
    else if (typeof current === 'number') {
      const sum = current + n;
      if (!Number.isFinite(sum)) throw invalid(`update: $inc of '${p}' overflows`);
      node[key] = sum;
    } else throw invalid(`update: cannot $inc '${p}': it holds ${describe(current)}, not a number`);
  }
  for (const p of update.unset) {
    const found = parentOf(out, p, false);
    if (found) delete found[0][found[1]];
  }
  return out;
}
