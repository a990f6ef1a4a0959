/**
 * The landing page hands each scenario page its room, user and part through the page query; this
 * file writes and reads that query so the two sides never disagree.
 */
import { JRTCError } from '../lib/jrtc-miniapp.min';

/** The demo's scenarios, named as their pages. */
export type Scenario = 'class' | 'service' | 'meeting';

/** Who enters which room, and as what (`teacher` / `student`, `agent` / `customer`, `member`). */
export interface RoomEntry {
  scenario: Scenario;
  userRoomId: string;
  /** '' (the default): the cloud gives you the userId of your WeChat identity. */
  userId: string;
  nickName: string;
  part: string;
}

/** The parts each scenario offers, the first being the default. */
export const PARTS: { readonly [S in Scenario]: readonly string[] } = {
  class: ['teacher', 'student'],
  service: ['agent', 'customer'],
  meeting: ['member'],
};

/** The protocol's id rule (shared/common.ts idSchema), repeated here to fail before any cloud call. */
const ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const NICK_MAX = 64;

/** True for a string the protocol accepts as userId / userRoomId. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** The page path and query that opens `entry`'s scenario. */
export function entryUrl(entry: RoomEntry): string {
  const q = [
    ['room', entry.userRoomId],
    ['user', entry.userId],
    ['nick', entry.nickName],
    ['part', entry.part],
  ]
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `/pages/${entry.scenario}/${entry.scenario}?${q}`;
}

/** A page query's value (the platform may pass it URI-encoded; a malformed encoding is taken as it is), '' when absent. */
export function queryValue(query: Record<string, string | undefined>, key: string): string {
  const raw = query[key] || '';
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    return raw;
  }
}

/**
 * Reads a scenario page's query (values may still be URI-encoded, as the platform passes them).
 * Throws BAD_REQUEST for a room or user id the protocol would refuse or a part the scenario lacks.
 */
export function readEntry(scenario: Scenario, query: Record<string, string | undefined>): RoomEntry {
  const get = (key: string): string => queryValue(query, key);
  const entry: RoomEntry = {
    scenario,
    userRoomId: get('room'),
    userId: get('user'),
    nickName: get('nick').slice(0, NICK_MAX),
    part: get('part') || PARTS[scenario][0],
  };
  if (!isId(entry.userRoomId)) throw JRTCError.badRequest('room: use 1-64 letters, digits or _ . @ -');
  if (entry.userId !== '' && !isId(entry.userId)) throw JRTCError.badRequest('user: use 1-64 letters, digits or _ . @ -');
  if (PARTS[scenario].indexOf(entry.part) < 0) throw JRTCError.badRequest(`part: one of ${PARTS[scenario].join(', ')}`);
  return entry;
}
