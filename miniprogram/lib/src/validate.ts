/**
 * Cheap client-side checks, the same rules as the protocol's schemas (shared/common.ts) without zod:
 * a call that would certainly fail is rejected with BAD_REQUEST before it costs a cloud call.
 */
import { Limits, Patterns } from '../../../shared/constants';
import type { Role } from '../../../shared/constants';
import { JRTCError } from './errors';


/** Throws BAD_REQUEST naming `field` unless `ok`. */
export function check(ok: boolean, field: string): void {
  if (!ok) throw JRTCError.badRequest(`${field} is invalid`);
}

/** True for a protocol id: 1-64 letters, digits or `_ . @ -`. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= Limits.idMaxLength && Patterns.id.test(value);
}

/** True for a host name with an optional port. */
export function isDomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= Limits.domainMaxLength && Patterns.domain.test(value);
}

/** True for a non-empty string of at most `max` characters. */
export function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** True for role 1 (anchor) or 2 (audience). */
export function isRole(value: unknown): value is Role {
  return value === 1 || value === 2;
}

/** True when `value` is a plain object (options bags). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an optional field: absent (undefined) passes, anything else must satisfy `test`. */
export function checkOptional(value: unknown, test: (v: unknown) => boolean, field: string): void {
  if (value !== undefined) check(test(value), field);
}
