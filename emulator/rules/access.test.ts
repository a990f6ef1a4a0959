import { Collections } from '../../shared/constants';
import { ClientAccess, PermissionDeniedError, querySatisfiesRule, withOpenid } from './access';
import { RuleEngine, ruleClauses } from './rules';
import { databaseDefinition, securityRules } from '../../shared/database';
import type { RuleSet } from './rules';
import type { MongoQuery } from '../store/store';

const repoRules = securityRules(databaseDefinition);
const repo = new ClientAccess(repoRules, new RuleEngine(repoRules));
const ALICE = 'o-alice';

/** Does `openid` get `query` past `rule` (the query already has '{openid}' replaced, as the server does)? */
const allowed = (rule: string | boolean, query: MongoQuery, openid = ALICE): boolean =>
  querySatisfiesRule(withOpenid(query, openid), ruleClauses(rule), openid);

describe('withOpenid', () => {
  it("replaces every '{openid}' value, at any depth, and nothing else", () => {
    const query = { _openid: '{openid}', to: { $in: ['*', '{openid}'] }, $or: [{ a: '{openid}' }], note: 'x{openid}', '{openid}': 1 };
    expect(withOpenid(query, ALICE)).toEqual({ _openid: ALICE, to: { $in: ['*', ALICE] }, $or: [{ a: ALICE }], note: 'x{openid}', '{openid}': 1 });
    expect(query._openid).toBe('{openid}'); // the caller's object is left alone
  });
});

describe('the query-subset check (CloudBase: a client query must be a subset of the read rule)', () => {
  const signals = "doc.to == '*' || doc._openid == auth.openid";

  it('accepts queries that pin one clause of the signal rule', () => {
    expect(allowed(signals, { roomKey: 'a:r', to: '*' })).toBe(true);
    expect(allowed(signals, { roomKey: 'a:r', _openid: '{openid}' })).toBe(true);
    expect(allowed(signals, { roomKey: 'a:r', _openid: ALICE })).toBe(true); // the caller's literal OPENID
    // Each branch of an $or implies a clause (with the equalities around it).
    expect(allowed(signals, { roomKey: 'a:r', $or: [{ to: '*' }, { _openid: '{openid}' }] })).toBe(true);
    expect(allowed(signals, { to: '*', $or: [{ roomKey: 'a' }, { roomKey: 'b' }] })).toBe(true);
  });

  it('refuses queries that could match a document the rule hides', () => {
    // The SDK's old signal watch: `to == userId` does not imply `_openid == auth.openid`.
    expect(allowed(signals, { roomKey: 'a:r', to: { $in: ['*', 'u1'] } })).toBe(false);
    expect(allowed(signals, { roomKey: 'a:r', to: 'u1' })).toBe(false);
    expect(allowed(signals, { roomKey: 'a:r' })).toBe(false);
    expect(allowed(signals, {})).toBe(false);
    expect(allowed(signals, { roomKey: 'a:r', _openid: 'o-bob' })).toBe(false); // someone else's OPENID
    expect(allowed(signals, { to: { $ne: 'u1' } })).toBe(false); // an operator pins nothing
    expect(allowed(signals, { $or: [{ to: '*' }, { to: 'u1' }] })).toBe(false); // one branch escapes
    expect(allowed(signals, { $or: [] })).toBe(false);
    // No user: '{openid}' cannot stand for anyone.
    expect(allowed(signals, { _openid: '{openid}' }, '')).toBe(false);
  });

  it('needs every equality of a conjunction, and reads literals of each type', () => {
    const rule = "doc.room == 'r' && doc.owner.id == auth.openid || doc.public === true && doc.level == -1";
    expect(allowed(rule, { room: 'r', 'owner.id': '{openid}' })).toBe(true);
    expect(allowed(rule, { room: 'r' })).toBe(false);
    expect(allowed(rule, { 'owner.id': ALICE })).toBe(false);
    expect(allowed(rule, { public: true, level: -1, extra: { $gt: 3 } })).toBe(true);
    expect(allowed(rule, { public: 'true', level: -1 })).toBe(false); // no coercion
    expect(allowed(rule, { public: true, level: 1 })).toBe(false);
    expect(allowed("auth.openid == doc._openid && null == doc.deleted", { _openid: ALICE, deleted: null })).toBe(true);
  });

  it('treats true, false and parts no equality can imply as CloudBase does', () => {
    expect(allowed(true, {})).toBe(true);
    expect(allowed(false, { _openid: ALICE })).toBe(false);
    expect(allowed('true', {})).toBe(true);
    expect(allowed("doc.a == 'x' || true", {})).toBe(true);
    expect(allowed("doc.a == 'x' && false", { a: 'x' })).toBe(false);
    // Parts a query cannot pin down fail closed.
    expect(allowed("doc.a != 'x'", { a: 'y' })).toBe(false);
    expect(allowed('now < doc.expiresAt', { expiresAt: 1 })).toBe(false);
    expect(allowed("!(doc.a == 'x')", { a: 'y' })).toBe(false);
    expect(allowed("auth.openid == 'o-alice'", {})).toBe(false);
    expect(allowed('doc.a == doc.b', { a: 1, b: 1 })).toBe(false);
    expect(allowed("doc.a == 'x' || doc.b < 3", { a: 'x' })).toBe(true);
  });
});

describe('ClientAccess.assertQueryAllowed with the repo rules', () => {
  it('lets the SDK query rooms and members freely (their rule is true) and keeps private collections closed', () => {
    for (const c of [Collections.rooms, Collections.members]) {
      expect(() => repo.assertQueryAllowed(c, {}, ALICE)).not.toThrow();
      expect(() => repo.assertQueryAllowed(c, { roomKey: 'a:r', role: 1 }, ALICE)).not.toThrow();
      expect(() => repo.assertQueryAllowed(c, { _id: 'a:r' }, ALICE)).not.toThrow();
    }
    for (const c of [Collections.presence, Collections.users, 'jrtc_other']) {
      expect(() => repo.assertQueryAllowed(c, { _openid: ALICE }, ALICE)).toThrow(PermissionDeniedError);
    }
  });

  it("allows the SDK's two signal watches and refuses the old one", () => {
    const s = Collections.signals;
    expect(() => repo.assertQueryAllowed(s, { roomKey: 'a:r', to: '*' }, ALICE)).not.toThrow();
    expect(() => repo.assertQueryAllowed(s, withOpenid({ roomKey: 'a:r', _openid: '{openid}' }, ALICE), ALICE)).not.toThrow();
    expect(() => repo.assertQueryAllowed(s, { roomKey: 'a:r', to: { $in: ['*', 'u1'] } }, ALICE)).toThrow(
      expect.objectContaining({ errCode: -502003, errMsg: 'database permission denied' }),
    );
    // A doc(id) read is the query {_id}: not a subset of a per-document rule.
    expect(() => repo.assertQueryAllowed(s, { _id: 'sig1' }, ALICE)).toThrow(PermissionDeniedError);
  });

  it('reads the rule of the collection asked for', () => {
    const rules: RuleSet = { mine: { read: 'doc.owner == auth.openid', write: false }, open: { read: true, write: false } };
    const access = new ClientAccess(rules, new RuleEngine(rules));
    expect(() => access.assertQueryAllowed('open', {}, ALICE)).not.toThrow();
    expect(() => access.assertQueryAllowed('mine', {}, ALICE)).toThrow(PermissionDeniedError);
    expect(() => access.assertQueryAllowed('mine', { owner: ALICE }, ALICE)).not.toThrow();
  });
});
