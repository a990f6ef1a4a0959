import { assertCollectionName, assertDocId, copyJson, invalid, toStoredDoc } from './docData';
import { applyUpdate, checkUpdate, type CheckedUpdate } from './docUpdate';
import type { MongoUpdate, PutOptions, StoredDoc, StoreTx } from './storeTypes';

/** The transaction handle of the document store: a write buffer committed by `DocumentStore.transact`. */

/** The key of a document in write buffers, lock tables and snapshots. */
export function docKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** `fn`'s outcome as a settled promise (not `async`: the hot path of every read of every function call). */
export function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** One buffered write of a transaction. */
export interface BufferedWrite {
  collection: string;
  id: string;
  /** null = delete. */
  doc: StoredDoc | null;
  /**
   * Whether this transaction wrote the document whole (a `put` without `merge`) at some point:
   * then an existing document's change is a replacement, even if a patch followed (the result is
   * still a document the set made, not an update of the stored one).
   */
  replaced: boolean;
}

/** A transaction's write buffer; reads fall through to the store. */
export class BufferedTx implements StoreTx {
  /** Keyed by collection + id; a Map keeps first-write order, which is the commit order. */
  readonly writes = new Map<string, BufferedWrite>();
  private active = true;

  /** @param storedNow the stored document itself (not a copy), or null */
  constructor(private readonly storedNow: (collection: string, id: string) => StoredDoc | null) {}

  /** The document as this transaction sees it, NOT copied (neither change nor keep it). */
  private peek(collection: string, id: string): StoredDoc | null {
    this.check(collection, id);
    const buffered = this.writes.get(docKey(collection, id));
    return buffered ? buffered.doc : this.storedNow(collection, id);
  }

  get(collection: string, id: string): Promise<StoredDoc | null> {
    return settled(() => copyOrNull(this.peek(collection, id)));
  }

  put(collection: string, id: string, doc: Record<string, unknown>, options: PutOptions = {}): void {
    this.check(collection, id);
    this.buffer(collection, id, toStoredDoc(id, doc), options.merge !== true);
  }

  patch(collection: string, id: string, update: MongoUpdate): Promise<boolean> {
    return settled(() => this.patchChecked(collection, id, checkUpdate(update)));
  }

  /**
   * `patch` with an already checked update (updateWhere checks once for many documents), done at
   * once. `stored`, when given, is the document as stored, so it need not be read again.
   */
  patchChecked(collection: string, id: string, update: CheckedUpdate, stored?: StoredDoc): boolean {
    this.check(collection, id);
    // applyUpdate copies, so the stored object itself can be the base.
    const buffered = this.writes.get(docKey(collection, id));
    const base = buffered ? buffered.doc : (stored ?? this.storedNow(collection, id));
    if (base) this.buffer(collection, id, applyUpdate(base, update), false);
    return base !== null;
  }

  delete(collection: string, id: string): void {
    this.check(collection, id);
    this.buffer(collection, id, null, false);
  }

  /** After the callback settles, the handle is dead: a leaked reference must not write into a later commit. */
  finish(): void {
    this.active = false;
  }

  /** Buffers a write (after `check`); `whole` when it writes the document whole (see BufferedWrite.replaced). */
  private buffer(collection: string, id: string, doc: StoredDoc | null, whole: boolean): void {
    const key = docKey(collection, id);
    // A delete followed by a put is a replacement too; a put followed by a patch stays one.
    const replaced = whole || (doc !== null && this.writes.get(key)?.replaced === true);
    this.writes.set(key, { collection, id, doc, replaced });
  }

  private check(collection: string, id: string): void {
    if (!this.active) throw invalid('transaction already finished');
    assertCollectionName(collection);
    assertDocId(id);
  }
}

/** A copy of `doc`, or null. */
export function copyOrNull(doc: StoredDoc | null | undefined): StoredDoc | null {
  return doc ? copyJson(doc) : null;
}
