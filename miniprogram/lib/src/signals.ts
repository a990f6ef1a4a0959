/**
 * Signals as a pure function over one signal watch's snapshots (like roster.ts for members); the
 * room keeps one inbox per watch (room-wide `to: '*'`, and yours by `_openid: '{openid}'`). Every
 * signal document is delivered once: the ids already delivered are remembered, and each re-watch's
 * full snapshot delivers only the ones missed meanwhile. The very first snapshot holds signals sent
 * before you joined: they are remembered, not delivered.
 */
import { SIGNAL_TO_ROOM } from '../../../shared/constants';
import { docsOf, isInit } from './cloud';
import type { WatchSnapshot } from './cloud';
import type { ReceivedSignal } from './events';

/** What has been delivered. Treat as immutable. */
export interface SignalInbox {
  /** Ids of the signal documents delivered (or skipped as older than the join). */
  readonly seen: ReadonlySet<string>;
  /** False until the first full snapshot. */
  readonly primed: boolean;
}

/** The inbox before the first snapshot. */
export const emptyInbox: SignalInbox = { seen: new Set(), primed: false };

type Doc = Record<string, unknown>;

/** The signal a document holds; null for one that is not a readable signal. */
function toSignal(doc: Doc): ReceivedSignal | null {
  try {
    const payload: unknown = JSON.parse(String(doc.payloadJson));
    return typeof doc.from === 'string' && typeof doc.type === 'string'
      ? { from: doc.from, nickName: typeof doc.fromNickName === 'string' ? doc.fromNickName : '', type: doc.type, payload, direct: doc.to !== SIGNAL_TO_ROOM }
      : null;
  } catch {
    return null;
  }
}

const order = (a: Doc, b: Doc): number => Number(a.createdAt) - Number(b.createdAt) || Number(a.seq) - Number(b.seq);

/**
 * The signals of `snapshot` not delivered yet, in the order they were sent, except your own
 * (`selfId`: a room-wide signal comes back to its sender too), and the inbox after them.
 */
export function takeSignals(inbox: SignalInbox, snapshot: WatchSnapshot, selfId: string): { inbox: SignalInbox; signals: ReceivedSignal[] } {
  const seen = new Set(inbox.seen);
  let fresh: Doc[] = [];
  if (isInit(snapshot)) {
    // The snapshot is the whole live set: ids absent from it have expired and can be forgotten.
    seen.clear();
    for (const doc of docsOf(snapshot)) {
      const id = String(doc._id);
      if (inbox.primed && !inbox.seen.has(id)) fresh.push(doc);
      seen.add(id);
    }
    fresh.sort(order);
  } else {
    for (const c of snapshot.docChanges) {
      if (c.dataType === 'remove') seen.delete(c.docId);
      else if (c.doc && !seen.has(c.docId)) {
        seen.add(c.docId);
        fresh.push(c.doc);
      }
    }
  }
  fresh = fresh.filter((d) => d.from !== selfId);
  const signals = fresh.map(toSignal).filter((s): s is ReceivedSignal => s !== null);
  return { inbox: { seen, primed: inbox.primed || isInit(snapshot) }, signals };
}
