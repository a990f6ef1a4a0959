import jsep from 'jsep';
import { isPlainObject, jsonEqual } from '../store/docData';
import type { StoredDoc } from '../store/storeTypes';

/**
 * CloudBase database security rules, as the local cloud enforces them for client reads and
 * writes (cloud functions bypass rules, as on the platform).
 *
 * A rule is `true`, `false`, or an expression string over `auth.openid`, `doc.<path>` and `now`,
 * with literals (strings, numbers, true, false, null), `== != === !== < <= > >=`, `&& || !` and
 * parentheses. Anything else (calls, ternaries, other identifiers) is refused when the rules
 * are loaded, never at request time.
 *
 * Evaluation: a missing field reads as null; `==` and `===` are the same strict, structural
 * equality (no type coercion); `<`-style comparisons are true only between two numbers or two
 * strings; `! && ||` use JavaScript truthiness; access is granted only when the whole
 * expression evaluates to exactly `true`.
 *
 * Which document `doc` is: for read, the document read; for create, the document to be
 * written; for update and delete, the document as stored before the write (so a rule such as
 * `doc.owner == auth.openid` cannot be bypassed by writing a new owner).
 */

/** A rule: allow/deny outright, or an expression (see above). */
export type Rule = boolean | string;
/** The rules of one collection; `write` is the fallback for create/update/delete. */
export interface CollectionRules {
  read: Rule;
  write: Rule;
  create?: Rule;
  update?: Rule;
  delete?: Rule;
}
/** collection name -> its rules. */
export type RuleSet = Record<string, CollectionRules>;

/** What an expression can see. */
interface RuleContext {
  auth: { openid: string };
  doc: StoredDoc | null;
  now: number;
}

type Evaluator = (ctx: RuleContext) => unknown;

const ruleKeys = new Set(['read', 'write', 'create', 'update', 'delete']);
const comparisons = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=']);

/**
 * `auth.openid` / `doc.a.b` / `doc['a']` as [root, ...segments]; `fail` is called (and must throw)
 * on anything else.
 */
function memberPath(node: jsep.Expression, fail: (what: string) => never): string[] {
  if (node.type === 'Identifier') return [(node as jsep.Identifier).name];
  if (node.type !== 'MemberExpression') return fail(`unsupported ${node.type} in a member access`);
  const m = node as jsep.MemberExpression;
  if (m.optional) fail('optional chaining is not supported');
  let key: string;
  if (!m.computed && m.property.type === 'Identifier') key = (m.property as jsep.Identifier).name;
  else if (m.computed && m.property.type === 'Literal' && typeof (m.property as jsep.Literal).value === 'string') {
    key = (m.property as jsep.Literal).value as string;
  } else return fail('only fixed field names may be accessed');
  return [...memberPath(m.object, fail), key];
}

/** The literal an expression is (a negative number is `-` applied to one); undefined for a non-literal. */
function literalOf(node: jsep.Expression): string | number | boolean | null | undefined {
  if (node.type === 'UnaryExpression') {
    const u = node as jsep.UnaryExpression;
    const n = u.operator === '-' && u.argument.type === 'Literal' ? (u.argument as jsep.Literal).value : undefined;
    return typeof n === 'number' ? -n : undefined;
  }
  if (node.type !== 'Literal') return undefined;
  const value = (node as jsep.Literal).value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : undefined;
}

/** Turns an expression into a function, refusing every construct outside the rule language. */
function compileExpression(source: string, where: string): Evaluator {
  let ast: jsep.Expression;
  try {
    ast = jsep(source);
  } catch (err) {
    throw new Error(`${where}: cannot parse rule ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new Error(`${where}: rule ${JSON.stringify(source)}: ${what}`);
  };

  const build = (node: jsep.Expression): Evaluator => {
    switch (node.type) {
      case 'Literal': {
        const value = (node as jsep.Literal).value;
        if (value instanceof RegExp) return fail('regular expressions are not supported');
        return () => value;
      }
      case 'Identifier': {
        const name = (node as jsep.Identifier).name;
        if (name === 'now') return (ctx) => ctx.now;
        return fail(`unknown identifier '${name}' (use auth.openid, doc.<field> or now)`);
      }
      case 'MemberExpression': {
        const [root, ...segments] = memberPath(node, fail);
        if (root === 'auth') {
          if (segments.length !== 1 || segments[0] !== 'openid') fail('auth.openid is the only auth field');
          return (ctx) => ctx.auth.openid ?? null;
        }
        if (root === 'doc') return (ctx) => readPath(ctx.doc, segments);
        return fail(`unknown identifier '${root}' (use auth.openid, doc.<field> or now)`);
      }
      case 'UnaryExpression': {
        const u = node as jsep.UnaryExpression;
        const value = literalOf(u);
        if (value !== undefined) return () => value;
        if (u.operator !== '!') return fail(`unsupported operator ${u.operator}`);
        const arg = build(u.argument);
        return (ctx) => !arg(ctx);
      }
      case 'BinaryExpression': {
        const b = node as jsep.BinaryExpression;
        const left = build(b.left);
        const right = build(b.right);
        if (b.operator === '&&') return (ctx) => Boolean(left(ctx)) && Boolean(right(ctx));
        if (b.operator === '||') return (ctx) => Boolean(left(ctx)) || Boolean(right(ctx));
        if (!comparisons.has(b.operator)) return fail(`unsupported operator ${b.operator}`);
        const op = b.operator;
        return (ctx) => compare(op, left(ctx), right(ctx));
      }
      default:
        return fail(`unsupported syntax (${node.type})`);
    }
  };
  return build(ast);
}

function readPath(doc: StoredDoc | null, segments: string[]): unknown {
  let node: unknown = doc;
  for (const key of segments) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return null;
    node = node[key];
  }
  return node === undefined ? null : node;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === '==' || op === '===') return jsonEqual(a, b);
  if (op === '!=' || op === '!==') return !jsonEqual(a, b);
  // `<`-style comparisons hold only between two numbers or two strings.
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const [x, y] = [a, b] as Array<number | string>;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function compileRule(rule: unknown, where: string): Evaluator {
  if (typeof rule === 'boolean') return () => rule;
  if (typeof rule === 'string' && rule.trim() !== '') return compileExpression(rule, where);
  throw new Error(`${where}: a rule must be true, false or a non-empty expression string`);
}

/** Checks the shape of a rule set and compiles every rule; throws a clear Error on the first fault. */
function compileRuleSet(raw: unknown, source: string): Map<string, Map<string, Evaluator>> {
  if (!isPlainObject(raw)) throw new Error(`${source}: rules must be a JSON object of collection -> rules`);
  const compiled = new Map<string, Map<string, Evaluator>>();
  for (const [collection, rules] of Object.entries(raw)) {
    const where = `${source}: ${collection}`;
    if (!isPlainObject(rules)) throw new Error(`${where}: must be an object like {"read": ..., "write": ...}`);
    for (const key of ['read', 'write']) {
      if (!Object.prototype.hasOwnProperty.call(rules, key)) throw new Error(`${where}: missing "${key}"`);
    }
    const byKind = new Map<string, Evaluator>();
    for (const [key, rule] of Object.entries(rules)) {
      if (!ruleKeys.has(key)) throw new Error(`${where}: unknown key "${key}" (read, write, create, update, delete)`);
      byKind.set(key, compileRule(rule, `${where}.${key}`));
    }
    compiled.set(collection, byKind);
  }
  return compiled;
}

/**
 * One equality a query can pin down: `doc.<path> == auth.openid` (`openid`) or `doc.<path> == value`
 * (`value`, a string, number, boolean or null literal). `path` is dotted, as query keys are.
 */
export type RuleAtom =
  | { path: string; kind: 'openid' }
  | { path: string; kind: 'value'; value: string | number | boolean | null };

/**
 * A rule as alternatives (disjunctive normal form): a document is readable when every atom of any
 * one clause holds. `[]` never holds (the rule is `false`, or no clause is made only of equalities);
 * `[[]]` always holds (the rule is `true`).
 */
export type RuleClauses = RuleAtom[][];

/** Past this many clauses the rest are dropped: the check then allows less, never more. */
const MAX_CLAUSES = 64;

/** `doc.x == auth.openid` or `doc.x == literal` with `side` the doc path; null when it is neither. */
function equalityAtom(side: jsep.Expression, other: jsep.Expression): RuleAtom | null {
  const notAPath = (): never => {
    throw new Error('not a path');
  };
  const paths = [side, other].map((node) => (node.type === 'MemberExpression' ? memberPath(node, notAPath) : null));
  const [path, otherPath] = paths;
  if (!path || path[0] !== 'doc' || path.length < 2) return null;
  if (otherPath) return otherPath.join('.') === 'auth.openid' ? { path: path.slice(1).join('.'), kind: 'openid' } : null;
  const value = literalOf(other);
  return value === undefined ? null : { path: path.slice(1).join('.'), kind: 'value', value };
}

/**
 * The clauses of a (valid) rule. Only `true`, `false`, `||`, `&&` and the equalities of RuleAtom
 * are understood; any other part (`!`, `<`, `!=`, `now`, `auth.openid == 'x'`) can never be implied
 * by a query, so a clause that needs it is dropped: the check fails closed.
 */
export function ruleClauses(rule: Rule): RuleClauses {
  if (typeof rule === 'boolean') return rule ? [[]] : [];
  const walk = (node: jsep.Expression): RuleClauses => {
    if (node.type === 'Literal') return (node as jsep.Literal).value === true ? [[]] : [];
    if (node.type !== 'BinaryExpression') return [];
    const b = node as jsep.BinaryExpression;
    if (b.operator === '||') return walk(b.left).concat(walk(b.right)).slice(0, MAX_CLAUSES);
    if (b.operator === '&&') {
      const right = walk(b.right);
      return walk(b.left)
        .flatMap((l) => right.map((r) => l.concat(r)))
        .slice(0, MAX_CLAUSES);
    }
    if (b.operator !== '==' && b.operator !== '===') return [];
    const atom = equalityAtom(b.left, b.right) ?? equalityAtom(b.right, b.left);
    return atom ? [[atom]] : [];
  };
  return walk(jsep(rule));
}

/** Decides client reads and writes by a rule set. Unknown collections are denied. */
export class RuleEngine {
  private readonly rules: Map<string, Map<string, Evaluator>>;
  /** Clauses by `collection:key` (key: read, update, delete, write), computed once. */
  private readonly clauses = new Map<string, RuleClauses>();

  /** Compiles every rule now; throws on a malformed rule set. */
  constructor(private readonly source: RuleSet) {
    this.rules = compileRuleSet(source, 'rules');
  }

  /** The read rule of `collection` as clauses (see RuleClauses); `[]` for an unknown collection. */
  readClauses(collection: string): RuleClauses {
    return this.clausesOf(collection, 'read');
  }

  /** The rule an update or a delete of `collection` is judged by (its own, else `write`), as clauses. */
  writeClauses(kind: 'update' | 'delete', collection: string): RuleClauses {
    const rule = Object.prototype.hasOwnProperty.call(this.source, collection) ? this.source[collection] : undefined;
    return this.clausesOf(collection, rule && rule[kind] !== undefined ? kind : 'write');
  }

  private clausesOf(collection: string, key: 'read' | 'update' | 'delete' | 'write'): RuleClauses {
    const id = `${collection}:${key}`;
    let found = this.clauses.get(id);
    if (!found) {
      const rule = Object.prototype.hasOwnProperty.call(this.source, collection) ? this.source[collection][key] : undefined;
      found = rule === undefined ? [] : ruleClauses(rule);
      this.clauses.set(id, found);
    }
    return found;
  }

  /** May `auth` read `doc` of `collection`? */
  canRead(collection: string, doc: StoredDoc, auth: { openid: string }, now: number): boolean {
    return this.decide(collection, 'read', { auth, doc, now });
  }

  /**
   * May `auth` create, update or delete this document? `doc` in the rule is `after` for a
   * create and `before` for an update or a delete.
   */
  canWrite(
    kind: 'create' | 'update' | 'delete',
    collection: string,
    before: StoredDoc | null,
    after: StoredDoc | null,
    auth: { openid: string },
    now: number,
  ): boolean {
    if (kind !== 'create' && kind !== 'update' && kind !== 'delete') return false;
    const rules = this.rules.get(collection);
    if (!rules) return false;
    const kindRule = rules.has(kind) ? kind : 'write';
    return this.decide(collection, kindRule, { auth, doc: kind === 'create' ? after : before, now });
  }

  private decide(collection: string, key: string, ctx: RuleContext): boolean {
    const rule = this.rules.get(collection)?.get(key);
    if (!rule) return false;
    try {
      return rule(ctx) === true;
    } catch {
      // A rule that cannot be evaluated denies: rules fail closed.
      return false;
    }
  }
}
