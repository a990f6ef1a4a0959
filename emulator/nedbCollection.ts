import * as path from 'path';
import Datastore from '@seald-io/nedb';
import type { MongoQuery } from './storeTypes';

/** The NeDB side of the document store: one datastore per collection, opened with its indexes. */

/** One collection's NeDB datastore. */
export type Collection = Datastore<Record<string, unknown>>;

/** The NeDB internals we read: its index table and its candidate selection (see `DocumentStore.explain`). */
export interface NedbInternals {
  indexes: Record<string, unknown>;
  _getCandidatesAsync(query: MongoQuery, dontExpireStaleDocs?: boolean): Promise<unknown[]>;
}

/** NeDB's matcher, so `matches` and `find` agree exactly. The package has no `exports` map, so the subpath resolves. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const nedbModel = require('@seald-io/nedb/lib/model.js') as { match(doc: unknown, query: unknown): boolean };

/**
 * Opens collection `name`: in memory when `dir` is undefined, else loaded from `<dir>/<name>.db`;
 * then makes its indexes exactly `indexLists` (plus `_id`).
 */
export async function openCollection(dir: string | undefined, name: string, indexLists: string[][]): Promise<Collection> {
  const ds: Collection =
    dir === undefined
      ? new Datastore<Record<string, unknown>>({ inMemoryOnly: true })
      : new Datastore<Record<string, unknown>>({ filename: path.join(dir, `${name}.db`) });
  if (dir !== undefined) await ds.loadDatabaseAsync();
  // The file remembers indexes created earlier; drop those no longer configured, because NeDB
  // would keep choosing them (for example a roomKey index on presence would scan whole rooms).
  const wanted = new Map<string, string[]>();
  for (const fields of indexLists) wanted.set([...fields].sort().join(','), fields);
  for (const existing of Object.keys((ds as unknown as NedbInternals).indexes)) {
    if (existing !== '_id' && !wanted.has(existing)) await ds.removeIndexAsync(existing);
  }
  for (const [key, fields] of wanted) {
    if (key === '_id') continue;
    await ds.ensureIndexAsync({ fieldName: fields.length === 1 ? fields[0] : fields });
  }
  return ds;
}
