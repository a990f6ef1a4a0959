/**
 * The console's list of recent calls: what the console's calls route answers (the jrtc_calls
 * records, which only the deployer reads), checked field by field as model.ts checks rooms, and its
 * rows in words: who rang whom, how each party ended, how long it talked.
 */

/** One party of a call, as the console shows it. */
export interface ConsoleCallParty {
  userId: string;
  nickName: string;
  role: 'caller' | 'callee';
  /** ringing, joined or ended. */
  state: string;
  /** Why its part ended (hangup, rejected, noAnswer, busy, ...), when it did. */
  reason?: string;
}

/** A call as the console lists it. */
export interface ConsoleCall {
  callId: string;
  appId: string;
  userRoomId: string;
  /** ringing, active or ended. */
  state: string;
  parties: ConsoleCallParty[];
  createdAt: number;
  answeredAt?: number;
  endedAt?: number;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalNumber = (v: unknown): number | undefined => (isNumber(v) ? v : undefined);

function toParty(p: unknown): ConsoleCallParty | null {
  const { userId, nickName, role, state, reason } = (p ?? {}) as Record<string, unknown>;
  if (!isString(userId) || !isString(nickName) || (role !== 'caller' && role !== 'callee') || !isString(state)) return null;
  return isString(reason) ? { userId, nickName, role, state, reason } : { userId, nickName, role, state };
}

/** The well-formed calls of the route's answer (`{calls: [...]}`), in its order (newest first). */
export function toCalls(body: unknown): ConsoleCall[] {
  const calls = (body as { calls?: unknown } | null)?.calls;
  if (!Array.isArray(calls)) return [];
  const out: ConsoleCall[] = [];
  for (const c of calls as Array<Record<string, unknown>>) {
    const parties = Array.isArray(c.parties) ? c.parties.map(toParty) : [];
    if (!isString(c.callId) || !isString(c.appId) || !isString(c.userRoomId) || !isString(c.state) || !isNumber(c.createdAt)) continue;
    if (parties.length === 0 || parties.some((p) => p === null)) continue;
    out.push({ callId: c.callId, appId: c.appId, userRoomId: c.userRoomId, state: c.state, parties: parties as ConsoleCallParty[], createdAt: c.createdAt, answeredAt: optionalNumber(c.answeredAt), endedAt: optionalNumber(c.endedAt) });
  }
  return out;
}

/** A party in words: `ann (hangup)`, `bob ringing`. */
export function partyWords(p: ConsoleCallParty): string {
  const name = p.nickName && p.nickName !== p.userId ? `${p.userId} "${p.nickName}"` : p.userId;
  return p.state === 'ended' ? `${name} (${p.reason ?? 'ended'})` : `${name} ${p.state}`;
}

/** How long the call talked (`m:ss`): from the answer to its end, or to `now` while on; '' if never answered. */
export function talkedWords(c: ConsoleCall, now: number): string {
  if (c.answeredAt === undefined) return '';
  const seconds = Math.max(0, Math.round(((c.endedAt ?? now) - c.answeredAt) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
