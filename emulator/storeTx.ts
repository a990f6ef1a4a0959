import { assertCollectionName, assertDocId, copyJson, invalid, toStoredDoc } from './docData';
import { applyUpdate, checkUpdate, type CheckedUpdate } from './docUpdate';
import type { MongoUpdate, StoredDoc, StoreTx } from './storeTypes';

/** The transaction handle of the document store: a write buffer committed by `DocumentStore.transact`. */

/** One buffered write of a transaction. */
export interface BufferedWrite {
  collection: string;
  id: string;
  /** null = delete. */
  doc: StoredDoc | null;
}

/** A transaction's write buffer; reads fall through to the store. */
export class BufferedTx implements StoreTx {
  /** Keyed by collection + id; a Map keeps first-write order, which is the commit order. */
  readonly writes = new Map<string, BufferedWrite>();
  private active = true;

  constructor(private readonly readStored: (collection: string, id: string) => Promise<StoredDoc | null>) {}

  async get(collection: string, id: string): Promise<StoredDoc | null> {
    this.check(collection, id);
    const buffered = this.writes.get(keyOf(collection, id));
    if (buffered) return buffered.doc && copyJson(buffered.doc);
    return this.readStored(collection, id);
  }

  put(collection: string, id: string, doc: Record<string, unknown>): void {
    this.check(collection, id);
    this.buffer(collection, id, toStoredDoc(id, doc));
  }

  async patch(collection: string, id: string, update: MongoUpdate): Promise<boolean> {
    this.check(collection, id);
    return this.patchChecked(collection, id, checkUpdate(update));
  }

  /**
   * `patch` with an already checked update (updateWhere checks once for many documents).
   * `stored`, when given, is the document as stored, so it need not be read again.
   */
  async patchChecked(collection: string, id: string, update: CheckedUpdate, stored?: StoredDoc): Promise<boolean> {
    const key = keyOf(collection, id);
    let base = this.writes.get(key);
    if (!base) {
      const current = stored ?? (await this.readStored(collection, id));
      // Another operation of this transaction may have written the doc while we read it.
      base = this.writes.get(key) ?? { collection, id, doc: current };
    }
    if (!base.doc) return false;
    this.buffer(collection, id, applyUpdate(base.doc, update));
    return true;
  }

  delete(collection: string, id: string): void {
    this.check(collection, id);
    this.buffer(collection, id, null);
  }

  /** After the callback settles, the handle is dead: a leaked reference must not write into a later commit. */
  finish(): void {
    this.active = false;
  }

  private buffer(collection: string, id: string, doc: StoredDoc | null): void {
    if (!this.active) throw invalid('transaction already finished');
    this.writes.set(keyOf(collection, id), { collection, id, doc });
  }

  private check(collection: string, id: string): void {
    if (!this.active) throw invalid('transaction already finished');
    assertCollectionName(collection);
    assertDocId(id);
  }
}

function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
