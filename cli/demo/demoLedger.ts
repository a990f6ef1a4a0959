/**
 * The demo's books: every SDK event every demo client heard, in order, and the check that the
 * scenario produced exactly the events it should (each expected one exactly once, nothing extra
 * where the count is known). What JD Cloud JRTC's API has events for is heard as a JRTC page hears
 * it, on the client (`jrtcMiniapp.on('UserJoinedRoom', ...)`); the rest on the Room (ours).
 */
import type { JRTCEventCallbacks, JRTCMiniappClient, Room, RoomEventCallbacks } from '../../miniprogram/lib/src/index';

/** The client's events (the JRTC form) the demo listens to: who comes and goes, roles, streams, failures. */
export const JRTC_LEDGER_EVENTS = ['UserJoinedRoom', 'UserLeavedRoom', 'UserModifyRole', 'StreamPublished', 'StreamUnpublished', 'onError'] as const;

/**
 * The Room's events the demo listens to, which the JRTC form has none for (the media helpers'
 * events cannot fire without a page; the Room's `error` reaches the client's onError).
 */
export const ROOM_LEDGER_EVENTS = [
  'countsChanged',
  'connectionStateChanged',
  'tokenWillExpire',
  'handRaised',
  'handLowered',
  'invited',
  'kicked',
  'signal',
] as const;

/** One of JRTC_LEDGER_EVENTS or ROOM_LEDGER_EVENTS. */
export type LedgerEventName = (typeof JRTC_LEDGER_EVENTS)[number] | (typeof ROOM_LEDGER_EVENTS)[number];

/** One event as heard by one client. */
export interface LedgerEntry {
  /** The userId of the client that heard it. */
  who: string;
  event: LedgerEventName;
  /** The member it is about (userId), or '' when about none. */
  subject: string;
  /** The rest in words: `2->1` for a role change, `1/20` for counts, `disconnected:LEFT`, an error code (ours). */
  detail: string;
}

/** How many times an event should have been heard; omitted fields match anything. */
export interface Expectation {
  who: string;
  event: LedgerEventName;
  subject?: string;
  detail?: string;
  times: number;
}

type Member = { userId: string; role?: number; previousRole?: number };

/** Turns an event's arguments into the entry's subject and detail. */
function describe(event: LedgerEventName, args: unknown[]): { subject: string; detail: string } {
  const [first, second] = args;
  const member = first && typeof first === 'object' && 'userId' in first ? (first as Member) : null;
  switch (event) {
    case 'UserModifyRole':
      return { subject: member?.userId ?? '', detail: `${String(member?.previousRole)}->${String(member?.role)}` };
    case 'countsChanged': {
      const c = first as { broadcasterCount: number; audienceCount: number };
      return { subject: '', detail: `${c.broadcasterCount}/${c.audienceCount}` };
    }
    case 'connectionStateChanged':
      return { subject: '', detail: second ? `${String(first)}:${String(second)}` : String(first) };
    case 'onError':
      return { subject: '', detail: String((first as { errorCode?: unknown } | undefined)?.errorCode) };
    case 'signal':
      return { subject: String((first as { from?: unknown }).from), detail: String((first as { type?: unknown }).type) };
    case 'kicked':
      return { subject: '', detail: first === undefined ? '' : String(first) };
    default:
      return { subject: member?.userId ?? '', detail: '' };
  }
}

/** Every event every demo client heard. */
export class EventLedger {
  /** In the order heard. */
  readonly entries: LedgerEntry[] = [];
  private readonly listeners: Array<(entry: LedgerEntry) => void> = [];

  /** Records every ledger event heard by `who`: the JRTC ones on its client, the others on its room. */
  follow(jrtcMiniapp: JRTCMiniappClient, room: Room, who: string): void {
    const recorder = (event: LedgerEventName) => (...args: unknown[]): void => this.add({ who, event, ...describe(event, args) });
    for (const event of JRTC_LEDGER_EVENTS) jrtcMiniapp.on(event, recorder(event) as JRTCEventCallbacks[typeof event]);
    for (const event of ROOM_LEDGER_EVENTS) room.on(event, recorder(event) as RoomEventCallbacks[typeof event]);
  }

  /** Calls `listener` after each new entry. */
  onEntry(listener: (entry: LedgerEntry) => void): void {
    this.listeners.push(listener);
  }

  /** How many entries match every given field. */
  count(match: Partial<LedgerEntry>): number {
    return this.entries.filter((e) => matches(e, match)).length;
  }

  /** The problems, in words, of each expectation not met (none: all met). */
  check(expected: readonly Expectation[]): string[] {
    const problems: string[] = [];
    for (const { times, ...match } of expected) {
      const seen = this.count(match);
      if (seen !== times) problems.push(`${label(match)}: expected ${times}, heard ${seen}`);
    }
    return problems;
  }

  private add(entry: LedgerEntry): void {
    this.entries.push(entry);
    this.listeners.forEach((l) => l(entry));
  }
}

function matches(entry: LedgerEntry, match: Partial<LedgerEntry>): boolean {
  return (Object.keys(match) as Array<keyof LedgerEntry>).every((k) => match[k] === undefined || entry[k] === match[k]);
}

/** `who hears event(subject) detail`, for reports. */
export function label(e: Partial<LedgerEntry>): string {
  const subject = e.subject ? `(${e.subject})` : '';
  return `${e.who ?? '*'} hears ${e.event ?? '*'}${subject}${e.detail ? ` ${e.detail}` : ''}`;
}
