/**
 * The watch engine's docChanges (watch.ts) as events of the realtime protocol. The engine decides
 * what changed; this only says it in the vendor's words, and leaves `Doc` empty where the client
 * already holds the document (an update inside the result, a removal, a document pushed out of a
 * limited window) because the vendor client rebuilds it from its own copy there, as it does
 * against CloudBase: an update sends `UpdatedFields` / `removedFields` and the client applies them.
 */
import { DATE_KEY, isStoredDate } from '../database/ejson';
import type { DocChange } from '../watch/watch';
import type { DbEvent } from './protocol';

/**
 * A document or a field map as the text the vendor client reads: it `JSON.parse`s `Doc` and
 * `UpdatedFields` (virtual-websocket-client.js), not EJSON, so a date reaches the page as an object
 * whatever the server sends. Which object CloudBase's realtime server sends is not documented; we
 * send the `{"$date": <ms>}` form Tencent's database console shows a date in, never our store's own
 * `#date` key.
 */
const text = (value: Record<string, unknown>): string =>
  JSON.stringify(value, (_key, v: unknown) => (isStoredDate(v) ? { $date: v[DATE_KEY] } : v));

/**
 * Whether the client rebuilds this change's document itself (CloudBase sends `Doc: ''` for these).
 * Never for a `replace` (a doc(id).set() over an existing document): the vendor client closes the
 * watch with "full doc is not provided with dataType=\"replace\"" when `Doc` is empty, whatever the
 * queueType, and takes the sent document as it is (@cloudbase/database
 * dist/commonjs/realtime/virtual-websocket-client.js `_handleServerEvents`, `case 'replace'`).
 */
function clientHoldsDoc(c: DocChange): boolean {
  if (c.dataType === 'remove') return true;
  if (c.dataType === 'update') return c.queueType === 'update' || c.queueType === 'dequeue';
  return c.dataType === 'limit' && c.queueType === 'dequeue';
}

/** One engine change as a protocol event numbered `id` (the watch's own event number). */
export function toDbEvent(c: DocChange, id: number): DbEvent {
  const event: DbEvent = {
    ID: id,
    DataType: c.dataType,
    QueueType: c.queueType,
    DocID: c.docId,
    Doc: clientHoldsDoc(c) ? '' : text(c.doc),
  };
  // Only an update has fields: `getPublicEvent` reads UpdatedFields / removedFields for
  // DataType 'update' alone, so a replace carries none.
  if (c.dataType === 'update') {
    event.UpdatedFields = text(c.updatedFields ?? {});
    // Lower case: the vendor client reads `removedFields` (a TODO in its source awaits the rename).
    event.removedFields = JSON.stringify(c.removedFields ?? []);
  }
  return event;
}
