import * as fs from 'fs';
import * as path from 'path';
import { DatabaseError, isPlainObject } from './docData';
import type { StoredDoc } from './storeTypes';
import { readJsonLines } from './collectionFile';

/**
 * The commit journal of an on-disk document store: `<dir>/commits.journal`, one line per commit.
 *
 * Why a journal: appending each changed document to its collection's file costs a file
 * open + write + close per document, and a commit touching four collections could be cut in half
 * by a crash. Here a commit is ONE synchronous write of one line holding all of its changes; it is
 * acknowledged only after that write has returned, so an acknowledged commit is in the file (the
 * page cache: it survives a SIGKILL of the process, not a power cut).
 *
 * A crash in the middle of the write can leave a torn last line (no trailing newline): loading
 * drops it, and that commit was never acknowledged. Every other line is complete, so a reload sees
 * each commit whole or not at all (store.ts replays them, then empties the journal).
 */

/** The journal's file name: not `<name>.db`, so it can never be taken for a collection. */
export const JOURNAL_FILE = 'commits.journal';

/** One change of a commit: the document after it, or null for a removal. */
export interface JournalChange {
  collection: string;
  id: string;
  doc: StoredDoc | null;
}

/** The complete commits of `<dir>/commits.journal`, oldest first (none when there is no file). */
export function readJournal(dir: string): JournalChange[][] {
  const file = path.join(dir, JOURNAL_FILE);
  // A torn last line is an unacknowledged write (readJsonLines drops it).
  return readJsonLines(file).map(({ value, line }) => parseCommit(value, file, line));
}

/** A complete line that is not a commit is damage from outside, not a crash: refuse to guess. */
function parseCommit(value: unknown, file: string, lineNo: number): JournalChange[] {
  const broken = (): DatabaseError =>
    new DatabaseError('DB_INVALID_ARGUMENT', `${file}: line ${lineNo} is not a commit; the journal is damaged`);
  if (!Array.isArray(value)) throw broken();
  return value.map((item: unknown): JournalChange => {
    if (!isPlainObject(item) || typeof item.collection !== 'string' || typeof item.id !== 'string') throw broken();
    const doc = item.doc;
    if (doc !== null && !(isPlainObject(doc) && doc._id === item.id)) throw broken();
    return { collection: item.collection, id: item.id, doc: doc as StoredDoc | null };
  });
}

/** The open journal of a store: appends whole commits. */
export class CommitJournal {
  /** Bytes of whole commits in the file; a failed append is cut back to this. */
  private size = 0;
  /** Set when a failed append could not be cut back: later lines would follow a torn one. */
  private broken: Error | null = null;

  private constructor(
    private fd: number | null,
    private readonly file: string,
  ) {}

  /** Opens `<dir>/commits.journal` empty (the caller has folded its commits into the collections). */
  static openEmpty(dir: string): CommitJournal {
    const file = path.join(dir, JOURNAL_FILE);
    fs.writeFileSync(file, '');
    // Appending: after a failed append is cut back, the next write lands at the new end.
    return new CommitJournal(fs.openSync(file, 'a'), file);
  }

  /**
   * Writes one commit as one line and returns when the write has completed. Synchronous on
   * purpose: one `write(2)` to the page cache costs less than a round trip through libuv's
   * thread pool, and nothing else can run between the write and the caller applying the commit.
   * Throws (and the commit must then not be applied) when the write fails.
   */
  append(changes: readonly JournalChange[]): void {
    if (this.fd === null) throw new DatabaseError('DB_CLOSED', 'the document store is closed');
    if (this.broken) throw new DatabaseError('DB_CLOSED', `${this.file} cannot be written: ${this.broken.message}`);
    const line = Buffer.from(`${JSON.stringify(changes)}\n`, 'utf8');
    try {
      let written = 0;
      while (written < line.length) written += fs.writeSync(this.fd, line, written, line.length - written);
    } catch (err) {
      // Remove the partial line, so that the next commit does not follow a torn one.
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {
        this.broken = err as Error;
      }
      throw err;
    }
    this.size += line.length;
  }

  /** Bytes of whole commits in the file. */
  get bytes(): number {
    return this.size;
  }

  /**
   * Empties the file, once its commits are in the collection files (a checkpoint). A crash before
   * this replays commits the files already hold, which sets documents to the same final state.
   */
  truncate(): void {
    if (this.fd === null) throw new DatabaseError('DB_CLOSED', 'the document store is closed');
    fs.ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  /** Closes the file; later appends throw DB_CLOSED. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}
