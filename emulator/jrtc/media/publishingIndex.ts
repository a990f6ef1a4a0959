/**
 * Which streams the room state says are live: the stream ids of jrtc_members docs with
 * `stream.publishing: true`, kept current from the store's change feed. The media server accepts a
 * publisher only for such a stream, and cuts a publisher off the moment its member stops publishing
 * or leaves (unpublish, kick, ghost sweep).
 */
import { Collections } from '../../../shared';
import type { ChangeEvent, DocumentStore, StoredDoc } from '../../store/store';

/** The stream id of a member doc when it is publishing, else null. */
function publishingStream(doc: StoredDoc | null): string | null {
  const stream = doc?.stream;
  if (typeof stream !== 'object' || stream === null) return null;
  const { streamId, publishing } = stream as Record<string, unknown>;
  return publishing === true && typeof streamId === 'string' ? streamId : null;
}

/** The live stream ids, and a callback for each stream that stops being live. */
export class PublishingIndex {
  private readonly live = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: DocumentStore,
    private readonly onStopped: (streamId: string) => void,
  ) {}

  /** Loads the current state and follows changes (subscribe first: a change during the load is not lost). */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    // Shared: the index only reads the event, so the store need not copy every change for it.
    this.unsubscribe = this.store.onChange((e) => this.apply(e), { shared: true });
    for (const doc of await this.store.find(Collections.members, { 'stream.publishing': true })) {
      const id = publishingStream(doc);
      if (id !== null && !this.live.has(id)) this.live.set(id, 1);
    }
  }

  /** Stops following the store. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.live.clear();
  }

  /** True while some member publishes to `streamId`. */
  isLive(streamId: string): boolean {
    return this.live.has(streamId);
  }

  /** How many streams are live. */
  get size(): number {
    return this.live.size;
  }

  private apply(e: ChangeEvent): void {
    if (e.collection !== Collections.members) return;
    const before = publishingStream(e.before);
    const after = publishingStream(e.after);
    if (before === after) return;
    // Stream ids are per member, so a count is only defensive against two docs naming one stream.
    if (after !== null) this.live.set(after, (this.live.get(after) ?? 0) + 1);
    if (before !== null) {
      const left = (this.live.get(before) ?? 1) - 1;
      if (left > 0) {
        this.live.set(before, left);
      } else {
        this.live.delete(before);
        this.onStopped(before);
      }
    }
  }
}
