/**
 * Ordering of watch results (`orderBy`), in MongoDB's cross-type order so that mixed field types
 * still sort deterministically; ties break on `_id`.
 */
import type { StoredDoc } from '../store/store';

/** One sort key of a watch: field path and direction. */
export type OrderBy = Array<[string, 'asc' | 'desc']>;

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc;
  for (const segment of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[segment];
  }
  return cur;
}

/** MongoDB's BSON order: null/missing < numbers < strings < objects < arrays < booleans. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (Array.isArray(v)) return 4;
  if (typeof v === 'object') return 3;
  if (typeof v === 'boolean') return 5;
  return 6;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (ra === 3 || ra === 4) {
    const sa = JSON.stringify(a);
    const sb = JSON.stringify(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return 0;
}

/** A comparator for `orderBy` (empty: by `_id`). */
export function compareBy(orderBy: OrderBy): (a: StoredDoc, b: StoredDoc) => number {
  return (a, b) => {
    for (const [field, direction] of orderBy) {
      const c = compareValues(valueAt(a, field), valueAt(b, field));
      if (c !== 0) return direction === 'desc' ? -c : c;
    }
    return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
  };
}
