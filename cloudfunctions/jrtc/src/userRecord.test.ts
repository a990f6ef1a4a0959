import { userDocSchema } from './records';
import type { Ban, NonceEntry, UserDoc } from './records';
import { MAX_PLAIN_NONCES, banOf, changedUser, nonceEntryOf } from './userRecord';

const NOW = 1_000_000;
const nonce = (id: string, expiresAt: number, extra: Partial<NonceEntry> = {}): NonceEntry => ({
  id,
  openid: 'o-1',
  roomKey: 'app:r1',
  expiresAt,
  ...extra,
});
const ban = (roomKey: string, expiresAt: number): Ban => ({
  roomKey,
  sessionId: 's',
  nonceId: 'app:n',
  reason: null,
  kickedBy: 'owner',
  kickedAt: NOW - 1,
  bannedUntil: expiresAt,
  expiresAt,
});

describe('changedUser', () => {
  it('makes a first record that binds the OPENID and holds the nonce, with no purge time', () => {
    const next = changedUser(null, { bindOpenid: 'o-1', nonce: nonce('app:n1', NOW + 10) }, NOW);
    expect(next).toEqual({ openid: 'o-1', nonces: [nonce('app:n1', NOW + 10)], bans: [], updatedAt: NOW });
    expect(userDocSchema.parse(next)).toEqual(next);
  });

  it('returns null when nothing changes: a rejoin with the same token writes nothing', () => {
    const user: UserDoc = { openid: 'o-1', nonces: [nonce('app:n1', NOW + 10)], bans: [], updatedAt: NOW - 5 };
    expect(changedUser(user, { bindOpenid: 'o-1', nonce: nonce('app:n1', NOW + 10) }, NOW)).toBeNull();
    // A bound record keeps its binding: another OPENID never rebinds it.
    expect(changedUser(user, { bindOpenid: 'o-2' }, NOW)).toBeNull();
    // A changed entry is a change.
    expect(changedUser(user, { nonce: nonce('app:n1', NOW + 10, { owner: false }) }, NOW)?.nonces).toEqual([
      nonce('app:n1', NOW + 10, { owner: false }),
    ]);
  });

  it('drops expired entries on write, replaces by id and by room, and keeps the rest', () => {
    const user: UserDoc = {
      nonces: [nonce('app:old', NOW - 1), nonce('app:live', NOW), nonce('app:n1', NOW + 10)],
      bans: [ban('app:r1', NOW - 1), ban('app:r2', NOW + 5)],
      purgeAt: NOW + 10,
      updatedAt: NOW - 100,
    };
    const next = changedUser(user, { nonce: nonce('app:n1', NOW + 20, { revoked: true }), ban: ban('app:r2', NOW + 30) }, NOW);
    expect(next?.nonces.map((n) => n.id)).toEqual(['app:live', 'app:n1']);
    expect(nonceEntryOf(next, 'app:n1')).toMatchObject({ revoked: true, expiresAt: NOW + 20 });
    expect(next?.bans).toEqual([ban('app:r2', NOW + 30)]);
    // Unbound: purged once the last entry ends.
    expect(next?.purgeAt).toBe(NOW + 30);
    expect(banOf(next, 'app:r1')).toBeNull();
  });

  it('an unbound record with nothing left is due for purging now', () => {
    const user: UserDoc = { nonces: [nonce('app:old', NOW - 1)], bans: [], purgeAt: NOW - 1, updatedAt: 0 };
    expect(changedUser(user, { ban: ban('app:r1', NOW - 1) }, NOW)).toEqual({ nonces: [], bans: [ban('app:r1', NOW - 1)], purgeAt: NOW, updatedAt: NOW });
  });

  it('keeps at most MAX_PLAIN_NONCES plain entries, dropping those that expire first, never revoked ones or unused grants', () => {
    const plain = Array.from({ length: MAX_PLAIN_NONCES }, (_, i) => nonce(`app:p${i}`, NOW + 1_000 + i));
    const user: UserDoc = {
      openid: 'o-1',
      nonces: [nonce('app:revoked', NOW + 1, { revoked: true }), nonce('app:grant', NOW + 2, { owner: true }), ...plain],
      bans: [],
      updatedAt: NOW,
    };
    const next = changedUser(user, { nonce: nonce('app:new', NOW + 5_000) }, NOW);
    const ids = next?.nonces.map((n) => n.id) ?? [];
    expect(ids).toHaveLength(MAX_PLAIN_NONCES + 2);
    expect(ids).not.toContain('app:p0'); // the plain entry that expires first
    expect(ids).toEqual(expect.arrayContaining(['app:revoked', 'app:grant', 'app:p1', 'app:new']));
    // The entry being written stays even when it expires first; the next plain one goes.
    const spent = changedUser(next, { nonce: nonce('app:grant', NOW + 2, { owner: false }) }, NOW)?.nonces.map((n) => n.id) ?? [];
    expect(spent).toContain('app:grant');
    expect(spent).not.toContain('app:p1');
  });
});
