import * as fs from 'fs';
import * as path from 'path';
import { NOT_JSON, isPlainObject, parseJson } from './docData';
import type { StoredDoc } from './storeTypes';

/**
 * A collection's file, `<dir>/<collection>.db`: one JSON document a line. The store creates it
 * empty when the collection is first written and rewrites it whole at a checkpoint, crash-safely
 * (a temporary `<collection>.db~`, fsync, rename over the file, fsync of the directory), so it is
 * never torn nor missing. Reading also accepts NeDB's append log, which data directories written
 * before hold: a later line of an `_id` replaces an earlier one, `{"$$deleted": true, "_id": ...}`
 * removes it, and `$$indexCreated` / `$$indexRemoved` lines are index bookkeeping (the store builds
 * its indexes from its configuration).
 */

/** The path of collection `name`'s file in `dir`. */
export function collectionFile(dir: string, name: string): string {
  return path.join(dir, `${name}.db`);
}

/**
 * The JSON values of the complete lines of `file` (none when there is no file), with their line
 * numbers. A torn last line (no newline) is a write a crash cut off: dropped. A complete line that
 * does not parse reads as null, for the caller to report.
 */
export function readJsonLines(file: string): Array<{ value: unknown; line: number }> {
  if (!fs.existsSync(file)) return [];
  const bytes = fs.readFileSync(file);
  const lines = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1).toString('utf8').split('\n');
  return lines.flatMap((text, i) => {
    if (text === '') return [];
    const value = parseJson(text);
    return [{ value: value === NOT_JSON ? null : value, line: i + 1 }];
  });
}

/**
 * The documents of `file`, creating it empty when there is none. A torn last line is dropped; any
 * other line that is not a document fails the open, rather than losing what it held.
 */
export function readCollectionFile(file: string): StoredDoc[] {
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  const docs = new Map<string, StoredDoc>();
  for (const { value: record, line } of readJsonLines(file)) {
    if (!isPlainObject(record)) throw corrupt(file, line);
    if ('$$indexCreated' in record || '$$indexRemoved' in record) continue;
    if (typeof record._id !== 'string') throw corrupt(file, line);
    if (record.$$deleted === true) docs.delete(record._id);
    else docs.set(record._id, record as StoredDoc);
  }
  return [...docs.values()];
}

function corrupt(file: string, line: number): Error {
  return new Error(`${file}: line ${line} is not a document`);
}

/** Replaces `file` by `docs`, crash-safely (see the module comment). */
export async function writeCollectionFile(file: string, docs: Iterable<StoredDoc>): Promise<void> {
  const temp = `${file}~`;
  let text = '';
  for (const doc of docs) text += `${JSON.stringify(doc)}\n`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
  await syncDir(path.dirname(file));
}

/** Makes a rename in `dir` durable (a no-op where directories cannot be opened, as on Windows). */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Opening or syncing a directory is not supported on every platform.
  } finally {
    await handle?.close();
  }
}
