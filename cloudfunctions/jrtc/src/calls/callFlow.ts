/**
 * The call's rules as pure functions over its stored document: who rings, who is in, when it ends
 * and with which reason for whom. The handlers read the document in a transaction, apply one of
 * these, and write the result with every party's view (callStore.ts); time is an argument, so a
 * ring that ran out is decided the same way by whichever call first looks (getCall, an action, the
 * timer).
 */
import { EndReason } from '../../../../shared/calls';
import type { CallState } from '../../../../shared/calls';
import type { CallDoc, PartyRecord } from './callDocs';

/** A party's part ends with `reason` at `now` (a party already ended keeps its first reason). */
function endPart(party: PartyRecord, reason: EndReason, now: number): PartyRecord {
  if (party.state === 'ended') return party;
  const { ringUntil: _ring, ...rest } = party;
  return { ...rest, state: 'ended', reason, endedAt: now };
}

/** The callees whose ring ran out by `now` end noAnswer. */
function expireRings(parties: PartyRecord[], now: number): PartyRecord[] {
  return parties.map((p) => (p.state === 'ringing' && (p.ringUntil ?? 0) < now ? endPart(p, EndReason.NO_ANSWER, now) : p));
}

/**
 * What the parties' states make of the call, after `cause` (the reason of the party whose change
 * this is: the last one left in the call is told the same, as the other side of a hang-up is):
 * - a caller who is out while nobody answered takes the ringing callees with it (canceled);
 * - fewer than two parties in and none ringing: whoever is still in ends with `cause`;
 * - nobody in: the call is over.
 * The caller of a call nobody answered ends with the last callee's reason (rejected, busy, noAnswer,
 * offline), so a one-to-one call tells the caller what the callee did.
 */
function settle(call: CallDoc, parties: PartyRecord[], cause: EndReason, now: number): CallDoc {
  const caller = parties[0];
  if (caller.state === 'ended' && call.answeredAt === undefined) {
    parties = parties.map((p) => (p.state === 'ringing' ? endPart(p, EndReason.CANCELED, now) : p));
  }
  const joined = parties.filter((p) => p.state === 'joined');
  const ringing = parties.some((p) => p.state === 'ringing');
  if (joined.length < 2 && !ringing) parties = parties.map((p) => (p.state === 'joined' ? endPart(p, cause, now) : p));
  const dueAt = Math.min(...parties.filter((p) => p.state === 'ringing').map((p) => p.ringUntil ?? now));
  const open = parties.some((p) => p.state !== 'ended');
  const state: CallState = !open ? 'ended' : call.answeredAt !== undefined ? 'active' : 'ringing';
  const next: CallDoc = { ...call, parties, state, version: call.version + 1, updatedAt: now };
  if (Number.isFinite(dueAt)) next.dueAt = dueAt;
  else delete next.dueAt;
  if (!open && call.endedAt === undefined) next.endedAt = now;
  return next;
}

/** The reason a caller is told when every callee ended before answering: the last one's. */
function lastCalleeReason(parties: PartyRecord[]): EndReason {
  const ended = parties.slice(1).filter((p) => p.state === 'ended');
  ended.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  return ended.length > 0 ? ended[ended.length - 1].reason ?? EndReason.HANGUP : EndReason.HANGUP;
}

/** Settles a change that is not one party's own: the reason follows from the callees' (ring outcomes). */
function settleRings(call: CallDoc, parties: PartyRecord[], now: number): CallDoc {
  return settle(call, parties, call.answeredAt === undefined ? lastCalleeReason(parties) : EndReason.HANGUP, now);
}

/** The call as `now` finds it: rings that ran out end noAnswer. Unchanged (the same object) when nothing is due. */
export function atTime(call: CallDoc, now: number): CallDoc {
  if (call.dueAt === undefined || call.dueAt >= now) return call;
  return settleRings(call, expireRings(call.parties, now), now);
}

/** The index of `userId` among the parties, or -1. */
export function partyIndex(call: CallDoc, userId: string): number {
  return call.parties.findIndex((p) => p.userId === userId);
}

/** Callees added to a call: each rings until `ringUntil`, or ends at once (busy, offline). */
export interface NewCallee {
  userId: string;
  openid?: string;
  nickName: string;
  /** 'ringing', or the reason it cannot ring. */
  outcome: 'ringing' | typeof EndReason.BUSY | typeof EndReason.OFFLINE;
  /** Rung by subscription message (its app was closed). */
  notified: boolean;
}

/** The call with `callees` added (a callee already a party rings again unless it is in the call). */
export function addCallees(call: CallDoc, callees: NewCallee[], ringUntil: number, now: number): CallDoc {
  const parties = [...call.parties];
  for (const c of callees) {
    const i = parties.findIndex((p) => p.userId === c.userId);
    if (i >= 0 && parties[i].state === 'joined') continue;
    const record: PartyRecord =
      c.outcome === 'ringing'
        ? { userId: c.userId, nickName: c.nickName, role: 'callee', state: 'ringing', ringUntil, invitedAt: now, notified: c.notified }
        : { userId: c.userId, nickName: c.nickName, role: 'callee', state: 'ended', reason: c.outcome, invitedAt: now, endedAt: now, notified: false };
    if (c.openid !== undefined) record.openid = c.openid;
    if (i >= 0) parties[i] = record;
    else parties.push(record);
  }
  return settleRings(call, parties, now);
}

/** A callee answers (or joins the call in progress) from `deviceId`. */
export function answer(call: CallDoc, index: number, deviceId: string, now: number): CallDoc {
  const parties = call.parties.map((p, i) => {
    if (i !== index) return p;
    const { reason: _r, endedAt: _e, ringUntil: _u, ...rest } = p;
    return { ...rest, state: 'joined' as const, answeredAt: now, answeredBy: deviceId };
  });
  return settleRings({ ...call, answeredAt: call.answeredAt ?? now }, parties, now);
}

/**
 * A party's part ends on its own account: `reason` when given (it left the room: hangup,
 * networkLost, endedByServer), else what its state means: a ringing callee rejects, a caller
 * nobody answered yet cancels, anyone in hangs up.
 */
export function leave(call: CallDoc, index: number, now: number, reason?: EndReason): CallDoc {
  const party = call.parties[index];
  if (party.state === 'ended') return call;
  // What the party's state makes of its leaving; a given reason other than a hang-up wins (leaving
  // the room before anyone answered is still a cancel).
  const own =
    reason !== undefined && reason !== EndReason.HANGUP
      ? reason
      : party.state === 'ringing' ? EndReason.REJECTED : index === 0 && call.answeredAt === undefined ? EndReason.CANCELED : EndReason.HANGUP;
  const parties = call.parties.map((p, i) => (i === index ? endPart(p, own, now) : p));
  // Whoever this leaves alone in the call hears the same reason (the other side of a hang-up, a
  // decline, a lost network).
  return settle(call, parties, own, now);
}
