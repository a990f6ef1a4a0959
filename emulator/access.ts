/**
 * Client access to the database, as CloudBase security rules decide it. Cloud functions bypass
 * rules; everything a client does directly (the db route, watches) goes through here.
 *
 * CloudBase checks that a client query is a subset of the rule. The local cloud checks the
 * outcome instead: a query is denied when the collection's read rule is `false` outright, or when
 * any document it matches is not readable by the caller. For the rules we ship (true / false) the
 * two agree; for per-document rules the local check is the looser one, so it never fails a query
 * the real cloud would allow.
 */
import type { RuleEngine, RuleSet } from './rules';
import type { StoredDoc } from './store';

/** CloudBase's code and message for a denied database call. */
export const PERMISSION_DENIED = { errCode: -502003, errMsg: 'database permission denied' } as const;

/** Thrown when the rules deny a client call; carries CloudBase's code and message. */
export class PermissionDeniedError extends Error {
  readonly errCode = PERMISSION_DENIED.errCode;
  readonly errMsg: string = PERMISSION_DENIED.errMsg;

  constructor(readonly detail: string) {
    super(`${PERMISSION_DENIED.errMsg}: ${detail}`);
    this.name = 'PermissionDeniedError';
  }
}

/** The write kinds a rule can name separately. */
export type WriteKind = 'create' | 'update' | 'delete';

/** Rule checks for one simulated client. */
export class ClientAccess {
  constructor(
    private readonly rules: RuleSet,
    private readonly engine: RuleEngine,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Throws unless the collection can be queried at all: it has rules (unknown ones are denied) and its read rule is not plain `false`. */
  assertQueryable(collection: string): void {
    const rule = Object.prototype.hasOwnProperty.call(this.rules, collection) ? this.rules[collection] : undefined;
    if (rule === undefined || rule.read === false) throw new PermissionDeniedError(`${collection} is not readable by clients`);
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

  /** Throws unless `openid` may make this write. */
  assertWritable(kind: WriteKind, collection: string, before: StoredDoc | null, after: StoredDoc | null, openid: string): void {
    if (!this.engine.canWrite(kind, collection, before, after, { openid }, this.now())) {
      throw new PermissionDeniedError(`${kind} in ${collection} is not allowed`);
    }
  }
}
