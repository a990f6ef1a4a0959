/**
 * Reads a local cloud's data dir the way the store loads it (emulator/store/store.ts): each
 * `<collection>.db` is JSON lines (collectionFile.ts: the last line of an `_id` wins, `$$deleted` removes
 * it, `$$indexCreated` / `$$indexRemoved` lines are bookkeeping), then the commits of
 * `commits.journal` (one JSON array of `{collection, id, doc}` per line, doc null for a removal) are
 * applied over them. This is "the store directly" for a cloud running in another process; a torn last
 * line (a crash mid-write) is skipped, as the store skips it.
 */
import fs from 'fs';
import path from 'path';
import { Collections } from '../../../shared';

/** A stored document. */
export type Doc = Record<string, unknown> & { _id: string };

/** The complete lines of a file (a last line without its newline is a torn write). */
function completeLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
}

/** Every document of one collection, by id. */
export function readCollection(dataDir: string, collection: string): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const line of completeLines(path.join(dataDir, `${collection}.db`))) {
    if (!line.trim()) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if ('$$indexCreated' in entry || '$$indexRemoved' in entry) continue;
    const id = entry._id;
    if (typeof id !== 'string') continue;
    if (entry.$$deleted === true) docs.delete(id);
    else docs.set(id, entry as Doc);
  }
  for (const line of completeLines(path.join(dataDir, 'commits.journal'))) {
    if (!line.trim()) continue;
    const commit = JSON.parse(line) as Array<{ collection: string; id: string; doc: Doc | null }>;
    for (const change of commit) {
      if (change.collection !== collection) continue;
      if (change.doc === null) docs.delete(change.id);
      else docs.set(change.id, change.doc);
    }
  }
  return docs;
}

/** Every jrtc collection, each sorted by id (for before/after comparisons). */
export function readStore(dataDir: string): Record<string, Doc[]> {
  const out: Record<string, Doc[]> = {};
  for (const name of Object.values(Collections)) {
    out[name] = [...readCollection(dataDir, name).values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }
  return out;
}
