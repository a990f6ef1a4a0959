/**
 * The fixture repository's database: the collections its functions and the emulator's own tests
 * use, with rules for the client tests (a readable one, a closed one, a per-owner one). The local
 * cloud provisions it as it provisions the product's (startFixtureCloud).
 */
import type { DatabaseDefinition } from '../../../shared/database';

const adminOnly = { read: false, write: false } as const;

/** collection → rule and indexes. */
export const fixtureDatabase: DatabaseDefinition = {
  notes: { rule: { read: true, write: true }, indexes: [] },
  secret: { rule: { read: false, write: false }, indexes: [] },
  own: { rule: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' }, indexes: [] },
  ticks: { rule: { read: true, write: false }, indexes: [] },
  accounts: { rule: adminOnly, indexes: [] },
  items: { rule: adminOnly, indexes: [] },
  nulls: { rule: adminOnly, indexes: [] },
  replaced: { rule: adminOnly, indexes: [] },
  things: { rule: adminOnly, indexes: [] },
};
