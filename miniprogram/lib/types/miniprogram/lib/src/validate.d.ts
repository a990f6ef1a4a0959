import type { Role } from '../../../shared/constants';
/** Throws BAD_REQUEST naming `field` unless `ok`. */
export declare function check(ok: boolean, field: string): void;
/** True for a protocol id: 1-64 letters, digits or `_ . @ -`. */
export declare function isId(value: unknown): value is string;
/** True for a host name with an optional port. */
export declare function isDomain(value: unknown): value is string;
/** True for a non-empty string of at most `max` characters. */
export declare function isText(value: unknown, max: number): value is string;
/** True for role 1 (anchor) or 2 (audience). */
export declare function isRole(value: unknown): value is Role;
/** True when `value` is a plain object (options bags). */
export declare function isObject(value: unknown): value is Record<string, unknown>;
/** Checks an optional field: absent (undefined) passes, anything else must satisfy `test`. */
export declare function checkOptional(value: unknown, test: (v: unknown) => boolean, field: string): void;
