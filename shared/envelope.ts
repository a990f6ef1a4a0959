import type { ProtocolErrorShape } from './errors';
import { ProtocolError } from './errors';

/** A successful reply. */
export interface OkReply<T> {
  ok: true;
  data: T;
}

/** A failed reply: errors are data on the wire, never thrown through the platform. */
export interface ErrReply {
  ok: false;
  error: ProtocolErrorShape;
}

/** The reply envelope every action answers with. */
export type Reply<T> = OkReply<T> | ErrReply;

/** Wraps data in a successful reply. */
export function ok<T>(data: T): OkReply<T> {
  return { ok: true, data };
}

/** Wraps an error in a failed reply. */
export function fail(err: ProtocolError): ErrReply {
  return { ok: false, error: err.toShape() };
}
