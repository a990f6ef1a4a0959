/**
 * A user's record (jrtc_users/{appId:userId}, records.ts): its OPENID binding, the nonces its tokens
 * consumed and its kicks. Reading it is the one read a join spends on its user; the changes below
 * are pure, so an action computes the next record from what its transaction read and writes it
 * whole, once, and only when something changed.
 */
import { Collections } from '../../../shared';
import type { DbTransaction } from '../../../shared/ports';
import { callerDocIdOf, readDoc, userDocIdOf, userDocSchema } from './records';
import type { Ban, DocReader, NonceEntry, UserDoc } from './records';

/**
 * How many plain nonce entries (used, not revoked, no unused owner grant) a record keeps at most.
 * A user who joins with a fresh token every few minutes under week-long tokens would otherwise grow
 * its record, which every join of that user reads and writes whole, without bound. Past the cap the
 * entries that expire first go: a replay of such an old token by another WeChat user is still
 * refused by the binding (JRTC_BIND_USER_TO_OPENID, on by default). Revoked tokens and unused grants
 * are never dropped early.
 */
export const MAX_PLAIN_NONCES = 256;

/** The record of `appId:userId`, or null when the user has none yet. */
export async function readUser(reader: DocReader, appId: string, userId: string): Promise<UserDoc | null> {
  return readDoc(reader, Collections.users, userDocIdOf(appId, userId), userDocSchema);
}

/** The caller record of `appId::openid` (its kicks under any userId), or null. */
export async function readCaller(reader: DocReader, appId: string, openid: string): Promise<UserDoc | null> {
  return readDoc(reader, Collections.users, callerDocIdOf(appId, openid), userDocSchema);
}

/** Writes a caller record computed by changedUser. */
export async function writeCaller(tx: DbTransaction, appId: string, openid: string, record: UserDoc): Promise<void> {
  await tx.collection(Collections.users).doc(callerDocIdOf(appId, openid)).set({ data: { ...record } });
}

/** The nonce entry `nonceId` of a record, if any. */
export function nonceEntryOf(user: UserDoc | null, nonceId: string): NonceEntry | null {
  return user?.nonces.find((n) => n.id === nonceId) ?? null;
}

/** The kick of `roomKey` a record holds, if any (expired ones included: callers compare the times). */
export function banOf(user: UserDoc | null, roomKey: string): Ban | null {
  return user?.bans.find((b) => b.roomKey === roomKey) ?? null;
}

/** What an action changes on a record. */
export interface UserChange {
  /** Bind the userId to this OPENID (only when it binds none yet). */
  bindOpenid?: string;
  /** Add this nonce entry, or replace the one with its id. */
  nonce?: NonceEntry;
  /** Add this kick, or replace the one of its room. */
  ban?: Ban;
}

/**
 * The record after `change` at `now`, entries past their expiry dropped; null when the change
 * changes nothing (the caller then writes nothing: a rejoin with the same token costs no write).
 */
export function changedUser(user: UserDoc | null, change: UserChange, now: number): UserDoc | null {
  const bind = change.bindOpenid !== undefined && user?.openid === undefined;
  const nonceSame = change.nonce === undefined || sameEntry(nonceEntryOf(user, change.nonce.id), change.nonce);
  if (!bind && nonceSame && change.ban === undefined) return null;

  const live = <T extends { expiresAt: number }>(xs: readonly T[]): T[] => xs.filter((x) => x.expiresAt >= now);
  let nonces = live(user?.nonces ?? []);
  if (change.nonce) nonces = capped([...nonces.filter((n) => n.id !== change.nonce?.id), change.nonce], change.nonce.id);
  let bans = live(user?.bans ?? []);
  if (change.ban) bans = [...bans.filter((b) => b.roomKey !== change.ban?.roomKey), change.ban];
  const openid = bind ? change.bindOpenid : user?.openid;

  const next: UserDoc = { nonces, bans, updatedAt: now };
  if (openid !== undefined) next.openid = openid;
  // A record that binds nothing is worth keeping only while an entry lives.
  else next.purgeAt = Math.max(now, ...nonces.map((n) => n.expiresAt), ...bans.map((b) => b.expiresAt));
  return next;
}

/**
 * `nonces` without the plain entries past MAX_PLAIN_NONCES that expire first (order kept); the entry
 * `keepId` being written stays whatever its expiry.
 */
function capped(nonces: NonceEntry[], keepId: string): NonceEntry[] {
  const plain = nonces.filter((n) => n.revoked !== true && n.owner !== true && n.id !== keepId);
  // Room for the kept entry itself, which counts as plain once spent.
  const room = MAX_PLAIN_NONCES - 1;
  if (plain.length <= room) return nonces;
  const dropped = new Set([...plain].sort((a, b) => a.expiresAt - b.expiresAt).slice(0, plain.length - room));
  return nonces.filter((n) => !dropped.has(n));
}

function sameEntry(a: NonceEntry | null, b: NonceEntry): boolean {
  return (
    a !== null &&
    a.openid === b.openid &&
    a.roomKey === b.roomKey &&
    a.expiresAt === b.expiresAt &&
    a.revoked === b.revoked &&
    a.owner === b.owner &&
    a.stage === b.stage
  );
}

/** Writes a record computed by changedUser (a whole-document set: entries removed stay removed). */
export async function writeUser(tx: DbTransaction, appId: string, userId: string, user: UserDoc): Promise<void> {
  await tx.collection(Collections.users).doc(userDocIdOf(appId, userId)).set({ data: { ...user } });
}
