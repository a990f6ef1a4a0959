/**
 * Client access to the database, as CloudBase security rules decide it. Cloud functions bypass
 * rules; everything a client does directly (the db route, watches) goes through here.
 *
 * Reads are checked twice. First the query itself, as CloudBase does: a client query must be a
 * subset of the read rule, i.e. every document it could match satisfies the rule, whatever the
 * data. The practical form of that check (CloudBase's): the rule is a disjunction of clauses, and
 * the query's top-level equalities (or, for an `$or`, each branch's together with the top level)
 * must imply every equality of one clause. `doc.x == auth.openid` is implied by `x: '{openid}'`
 * (the placeholder the server replaces with the caller's OPENID) or by `x: <the caller's OPENID>`;
 * `doc.x == 'lit'` by `x: 'lit'`; `true` always; `false` never. A `doc(id)` read is the query
 * `{_id: id}`, so under a per-document rule it is refused as on CloudBase (use `where`).
 * Then every document read is checked against the rule, which catches what equality on a field
 * cannot express (a stored array matches an equality on any of its elements).
 */
import { CloudErrors } from '../cloudErrors';
import { isPlainObject, jsonEqual } from '../store/docData';
import { RuleEngine, type RuleClauses, type RuleSet } from './rules';
import type { MongoQuery, StoredDoc } from '../store/store';

/** CloudBase's code and message for a denied database call. */
export const PERMISSION_DENIED = { errCode: CloudErrors.DATABASE_PERMISSION_DENIED.errCode, errMsg: CloudErrors.DATABASE_PERMISSION_DENIED.message } as const;

/** Thrown when the rules deny a client call; carries CloudBase's code and message. */
export class PermissionDeniedError extends Error {
  readonly errCode = PERMISSION_DENIED.errCode;
  readonly errMsg: string = PERMISSION_DENIED.errMsg;

  constructor(readonly detail: string) {
    super(`${PERMISSION_DENIED.errMsg}: ${detail}`);
    this.name = 'PermissionDeniedError';
  }
}

/** CloudBase's placeholder for the caller's OPENID in a client query condition. */
export const OPENID_PLACEHOLDER = '{openid}';

/** `value` with every string equal to '{openid}' (at any depth) replaced by `openid`, as CloudBase's server does. */
export function withOpenid<T>(value: T, openid: string): T {
  const walk = (v: unknown): unknown => {
    if (v === OPENID_PLACEHOLDER) return openid;
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

type Pins = Map<string, unknown>;

/** The fields `query` fixes to one value: its top-level equalities (not operators, not `$` keys). */
function pinsOf(query: Record<string, unknown>, inherited: Pins): Pins {
  const pins = new Map(inherited);
  for (const [path, value] of Object.entries(query)) {
    if (path.startsWith('$')) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') pins.set(path, value);
  }
  return pins;
}

/**
 * True when every document `query` (a Mongo query, '{openid}' already replaced) can match
 * satisfies one of `clauses` for the caller `openid`: the query's equalities imply a clause, or it
 * has an `$or` each of whose branches (with the equalities around it) does. An empty openid (no
 * user) implies no `auth.openid` equality. Conditions the check does not read only narrow the
 * query, so ignoring them never allows too much.
 */
export function querySatisfiesRule(query: MongoQuery, clauses: RuleClauses, openid: string): boolean {
  const implies = (q: Record<string, unknown>, inherited: Pins): boolean => {
    const pins = pinsOf(q, inherited);
    const holds = clauses.some((clause) =>
      clause.every((atom) => {
        if (!pins.has(atom.path)) return false;
        const pinned = pins.get(atom.path);
        return atom.kind === 'openid' ? openid !== '' && pinned === openid : jsonEqual(pinned, atom.value);
      }),
    );
    if (holds) return true;
    const or = q.$or;
    return Array.isArray(or) && or.length > 0 && or.every((branch) => isPlainObject(branch) && implies(branch, pins));
  };
  return implies(query, new Map());
}

/** The write kinds a rule can name separately. */
export type WriteKind = 'create' | 'update' | 'delete';

/** Rule checks for one simulated client. */
export class ClientAccess {
  constructor(
    private rules: RuleSet,
    private engine: RuleEngine,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Decides by `rules` from now on (the management API changed a collection's rule): compiled
   * first, so a malformed set throws and leaves the rules in force unchanged.
   */
  replaceRules(rules: RuleSet): void {
    this.engine = new RuleEngine(rules);
    this.rules = rules;
  }

  /** Throws unless the collection can be queried at all: it has rules (unknown ones are denied) and its read rule is not plain `false`. */
  assertQueryable(collection: string): void {
    const rule = Object.prototype.hasOwnProperty.call(this.rules, collection) ? this.rules[collection] : undefined;
    if (rule === undefined || rule.read === false) throw new PermissionDeniedError(`${collection} is not readable by clients`);
  }

  /**
   * Throws unless the collection is queryable and `query` (with '{openid}' replaced) is a subset
   * of its read rule for `openid` (see the top of this file).
   */
  assertQueryAllowed(collection: string, query: MongoQuery, openid: string): void {
    this.assertQueryable(collection);
    if (!querySatisfiesRule(query, this.engine.readClauses(collection), openid)) {
      throw new PermissionDeniedError(`${collection}: the query is not a subset of the read rule`);
    }
  }

  /** True when `openid` may read `doc`. */
  canRead(collection: string, doc: StoredDoc, openid: string): boolean {
    return this.engine.canRead(collection, doc, { openid }, this.now());
  }

  /** Throws unless `openid` may read every one of `docs`. */
  assertReadable(collection: string, docs: StoredDoc[], openid: string): void {
    this.assertQueryable(collection);
    for (const doc of docs) {
      if (!this.canRead(collection, doc, openid)) throw new PermissionDeniedError(`${collection}/${doc._id} is not readable`);
    }
  }

  /**
   * Throws unless an update or a delete of the documents `query` selects ('{openid}' replaced; a
   * doc(id) write is `{_id: id}`) is allowed whatever they hold: the query must be a subset of the
   * rule the write is judged by, as a read's is of the read rule. Judging each matched document
   * instead would answer "0 updated" where nothing matched and refuse where something did: a yes / no
   * oracle on data the caller may not read.
   */
  assertWriteQueryAllowed(kind: 'update' | 'delete', collection: string, query: MongoQuery, openid: string): void {
    if (!querySatisfiesRule(query, this.engine.writeClauses(kind, collection), openid)) {
      throw new PermissionDeniedError(`${collection}: the ${kind}'s query is not a subset of its rule`);
    }
  }

  /** Throws unless `openid` may make this write. */
  assertWritable(kind: WriteKind, collection: string, before: StoredDoc | null, after: StoredDoc | null, openid: string): void {
    if (!this.engine.canWrite(kind, collection, before, after, { openid }, this.now())) {
      throw new PermissionDeniedError(`${kind} in ${collection} is not allowed`);
    }
  }
}
