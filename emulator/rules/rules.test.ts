import { Collections } from '../../shared/constants';
import type { RuleSet } from './rules';
import { RuleEngine, ruleClauses } from './rules';
import { databaseDefinition, securityRules } from '../../shared/database';
import type { StoredDoc } from '../store/store';

const repoRules = securityRules(databaseDefinition);
const alice = { openid: 'o-alice' };
const now = 1_700_000_000_000;
const doc = (fields: Record<string, unknown>): StoredDoc => ({ _id: 'd', ...fields });

describe('the repo rules (shared/database.ts)', () => {
  const engine = new RuleEngine(repoRules);
  const member = doc({ roomKey: 'a:r', userId: 'u1' });

  it('lets clients read rooms and members and write neither', () => {
    for (const c of [Collections.rooms, Collections.members]) {
      expect(engine.canRead(c, member, alice, now)).toBe(true);
      expect(engine.canWrite('create', c, null, member, alice, now)).toBe(false);
      expect(engine.canWrite('update', c, member, member, alice, now)).toBe(false);
      expect(engine.canWrite('delete', c, member, null, alice, now)).toBe(false);
    }
  });

  it('keeps the private collections admin-only', () => {
    for (const c of [Collections.presence, Collections.users]) {
      expect(engine.canRead(c, member, alice, now)).toBe(false);
      expect(engine.canWrite('create', c, null, member, alice, now)).toBe(false);
      expect(engine.canWrite('delete', c, member, null, alice, now)).toBe(false);
    }
  });

  it('covers every collection and denies unknown ones', () => {
    const rules = repoRules;
    expect(Object.keys(rules).sort()).toEqual(Object.values(Collections).sort());
    expect(engine.canRead('jrtc_other', member, alice, now)).toBe(false);
    expect(engine.canWrite('create', 'jrtc_other', null, member, alice, now)).toBe(false);
  });
});

describe('expressions', () => {
  const rules: RuleSet = {
    notes: {
      read: "doc.published == true || doc._openid == auth.openid",
      write: 'doc._openid == auth.openid',
      create: 'doc._openid === auth.openid && doc.size <= 100',
      delete: '!doc.locked && doc._openid == auth.openid',
    },
    timed: { read: 'now < doc.expiresAt && doc.meta.level >= -1', write: "doc['kind'] != 'frozen' && doc.kind !== null" },
  };
  const engine = new RuleEngine(rules);

  it('evaluates read rules against the document', () => {
    expect(engine.canRead('notes', doc({ published: true, _openid: 'x' }), alice, now)).toBe(true);
    expect(engine.canRead('notes', doc({ published: false, _openid: 'o-alice' }), alice, now)).toBe(true);
    expect(engine.canRead('notes', doc({ published: 'true', _openid: 'x' }), alice, now)).toBe(false); // no coercion
    expect(engine.canRead('notes', doc({ _openid: 'x' }), alice, now)).toBe(false);
  });

  it('uses create/update/delete when present and write as the fallback', () => {
    const mine = doc({ _openid: 'o-alice', size: 10 });
    const theirs = doc({ _openid: 'o-bob', size: 10 });
    expect(engine.canWrite('create', 'notes', null, mine, alice, now)).toBe(true);
    expect(engine.canWrite('create', 'notes', null, { ...mine, size: 1000 }, alice, now)).toBe(false);
    expect(engine.canWrite('create', 'notes', null, theirs, alice, now)).toBe(false);
    // update falls back to write, judged on the stored document: taking over someone else's doc fails.
    expect(engine.canWrite('update', 'notes', theirs, mine, alice, now)).toBe(false);
    expect(engine.canWrite('update', 'notes', mine, theirs, alice, now)).toBe(true);
    expect(engine.canWrite('delete', 'notes', mine, null, alice, now)).toBe(true);
    expect(engine.canWrite('delete', 'notes', { ...mine, locked: true }, null, alice, now)).toBe(false);
  });

  it('reads now, nested fields, bracket access, negative numbers and missing fields as null', () => {
    expect(engine.canRead('timed', doc({ expiresAt: now + 1, meta: { level: 0 } }), alice, now)).toBe(true);
    expect(engine.canRead('timed', doc({ expiresAt: now, meta: { level: 0 } }), alice, now)).toBe(false);
    expect(engine.canRead('timed', doc({ expiresAt: now + 1, meta: { level: -2 } }), alice, now)).toBe(false);
    expect(engine.canRead('timed', doc({ expiresAt: now + 1 }), alice, now)).toBe(false); // null >= -1 is false
    expect(engine.canRead('timed', doc({ expiresAt: String(now + 1), meta: { level: 0 } }), alice, now)).toBe(false);
    expect(engine.canWrite('update', 'timed', doc({ kind: 'open' }), null, alice, now)).toBe(true);
    expect(engine.canWrite('update', 'timed', doc({ kind: 'frozen' }), null, alice, now)).toBe(false);
    expect(engine.canWrite('update', 'timed', doc({}), null, alice, now)).toBe(false);
  });

  it('grants only on exactly true', () => {
    const loose = new RuleEngine({ c: { read: 'doc.flag', write: '!doc.flag' } });
    expect(loose.canRead('c', doc({ flag: true }), alice, now)).toBe(true);
    expect(loose.canRead('c', doc({ flag: 'yes' }), alice, now)).toBe(false);
    expect(loose.canWrite('create', 'c', null, doc({ flag: 'yes' }), alice, now)).toBe(false);
    expect(loose.canWrite('create', 'c', null, doc({}), alice, now)).toBe(true);
  });

  it.each([
    ['f(doc.x)', /unsupported syntax \(CallExpression\)/],
    ['doc.x ? true : false', /unsupported syntax/],
    ['user.id == 1', /unknown identifier 'user'/],
    ['auth.uid == doc.x', /auth.openid is the only auth field/],
    ['doc.x + 1 > 2', /unsupported operator \+/],
    ['doc[doc.k] == 1', /only fixed field names/],
    ['doc.x ==', /cannot parse/],
    ['doc', /unknown identifier 'doc'/],
  ])('refuses %s when the rules are built', (expression, message) => {
    expect(() => new RuleEngine({ c: { read: expression, write: false } })).toThrow(message);
  });
});

describe('a malformed rule set (as the management API receives it)', () => {
  it.each([
    ['an array', '[]', /must be a JSON object/],
    ['no write', '{"c": {"read": true}}', /c: missing "write"/],
    ['a typo', '{"c": {"read": true, "write": false, "updte": true}}', /unknown key "updte"/],
    ['a number', '{"c": {"read": 1, "write": false}}', /c.read: a rule must be true, false or a non-empty expression/],
    ['a blank rule', '{"c": {"read": " ", "write": false}}', /non-empty expression/],
    ['a bad expression', '{"c": {"read": "doc.a = 1", "write": false}}', /c.read/],
  ])('is refused with a clear error: %s', (_what, text, message) => {
    expect(() => new RuleEngine(JSON.parse(text) as RuleSet)).toThrow(message);
  });
});

describe('ruleClauses (a read rule as alternatives for the query-subset check)', () => {
  it('turns || and && into clauses of equalities and drops parts no query can pin', () => {
    expect(ruleClauses(true)).toEqual([[]]);
    expect(ruleClauses(false)).toEqual([]);
    expect(ruleClauses("doc.to == '*' || doc._openid == auth.openid")).toEqual([
      [{ path: 'to', kind: 'value', value: '*' }],
      [{ path: '_openid', kind: 'openid' }],
    ]);
    expect(ruleClauses("(doc.a == 1 || doc['b'] === null) && auth.openid == doc.c.d")).toEqual([
      [{ path: 'a', kind: 'value', value: 1 }, { path: 'c.d', kind: 'openid' }],
      [{ path: 'b', kind: 'value', value: null }, { path: 'c.d', kind: 'openid' }],
    ]);
    expect(ruleClauses("doc.a != 1 || now < doc.t || !doc.hidden || doc.x == 'y' && false")).toEqual([]);
  });

  it('is what the engine holds for each collection', () => {
    const engine = new RuleEngine(repoRules);
    expect(engine.readClauses(Collections.members)).toEqual([[]]);
    expect(engine.readClauses(Collections.presence)).toEqual([]);
    expect(engine.readClauses('jrtc_other')).toEqual([]);
    expect(engine.readClauses(Collections.signals)).toHaveLength(2);
  });
});
