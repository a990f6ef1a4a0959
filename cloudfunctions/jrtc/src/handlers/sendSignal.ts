/** sendSignal: a custom signal to the whole room or to one member (delivery: signals.ts). */
import { Collections, ErrorCode, ProtocolError, memberIdOf } from '../../../../shared';
import { presenceDocSchema, readDoc } from '../records';
import { authenticate } from '../session';
import { writeSignal } from '../signals';
import type { Handler } from './types';
import { transact } from '../transact';

/**
 * sendSignal: without `toUserId` every member's room-wide watch receives it (the sender's too);
 * with it, only that member's inbox watch. A recipient without a live session in the room is
 * TARGET_NOT_IN_ROOM (its OPENID is needed for the read rule, and nobody would read the signal).
 */
export const sendSignal: Handler<'sendSignal'> = async (request, { caller, deps }) => {
  const now = deps.clock.now();
  const id = deps.random.id(12);
  return transact(deps.db, async (tx) => {
    const session = await authenticate(tx, caller, request, now);
    let to: { userId: string; openid: string } | undefined;
    if (request.toUserId !== undefined) {
      const recipientId = memberIdOf(session.roomKey, request.toUserId);
      const recipient = await readDoc(tx, Collections.presence, recipientId, presenceDocSchema);
      if (!recipient || recipient.expiresAt < now) {
        throw new ProtocolError(ErrorCode.TARGET_NOT_IN_ROOM, `${request.toUserId} is not in this room`);
      }
      to = { userId: request.toUserId, openid: recipient.openid };
    }
    const draft = { id, type: request.type, payload: request.payload, to };
    return writeSignal(tx, session, draft, now);
  });
};
