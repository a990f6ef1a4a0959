/**
 * NeDB's document model (matcher and comparison), so the store's `matches`, `find` and the `_id`
 * index agree exactly with NeDB. The package has no `exports` map, so the subpath resolves.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const nedbModel = require('@seald-io/nedb/lib/model.js') as {
  match(doc: unknown, query: unknown): boolean;
  compareThings(a: unknown, b: unknown, compareStrings?: (a: string, b: string) => number): number;
  getDotValue(doc: unknown, field: string): unknown;
};
