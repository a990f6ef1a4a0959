/**
 * Signals travel through the jrtc_signals collection: the function writes one document per signal
 * and clients receive it through realtime watch, as they receive roster changes. The read rule
 * (shared/database.ts) lets every client read room-wide signals (`to: '*'`) and only the
 * recipient read a peer signal. The rule language can compare a field with `auth.openid` but
 * cannot derive anything from it, so a peer signal stores its recipient's OPENID in `_openid`
 * (CloudBase's own owner field, which client queries address as `'{openid}'`). That document is
 * readable by its recipient only, who learns nothing but its own OPENID; room-wide signals carry
 * no OPENID at all, and neither kind carries the sender's. Each carries the sender's nickName
 * (`fromNickName`), taken from its presence record rather than from the request, so it cannot be
 * forged.
 */
import { Collections, SIGNAL_TO_ROOM, Timing } from '../../../shared';
import type { DbTransaction } from '../../../shared/ports';
import type { SignalDoc } from './records';
import type { Session } from './session';

/** One signal to write. */
export interface SignalDraft {
  /** The document id, drawn outside the transaction (which may run more than once). */
  id: string;
  type: string;
  /** Any JSON value; stored serialised. */
  payload: unknown;
  /** The recipient: a member's userId and OPENID, or none for the whole room. */
  to?: { userId: string; openid: string };
}

/** What the sender learns about a written signal. */
export interface WrittenSignal {
  signalId: string;
  seq: number;
  createdAt: number;
  expiresAt: number;
}

/**
 * Writes a signal from the session's member inside `tx`: the next `seq` of that session (kept in its
 * private presence record, so numbering causes no watch traffic) and an expiry Timing.signalTtlMs
 * ahead, after which the sweep deletes it.
 */
export async function writeSignal(tx: DbTransaction, sender: Session, draft: SignalDraft, now: number): Promise<WrittenSignal> {
  const seq = (sender.presence.signalSeq ?? 0) + 1;
  const expiresAt = now + Timing.signalTtlMs;
  const doc: SignalDoc = {
    roomKey: sender.roomKey,
    to: draft.to ? draft.to.userId : SIGNAL_TO_ROOM,
    from: sender.presence.userId,
    type: draft.type,
    payloadJson: JSON.stringify(draft.payload),
    seq,
    createdAt: now,
    expiresAt,
  };
  // A presence written before nickNames were kept there has none: the field is then left out (as the
  // schema documents) rather than stamped '' as if the sender had no nickName.
  if (sender.presence.nickName !== undefined) doc.fromNickName = sender.presence.nickName;
  if (draft.to) doc._openid = draft.to.openid;
  await tx.collection(Collections.presence).doc(sender.memberId).update({ data: { signalSeq: seq } });
  await tx.collection(Collections.signals).doc(draft.id).set({ data: { ...doc } });
  return { signalId: draft.id, seq, createdAt: now, expiresAt };
}
