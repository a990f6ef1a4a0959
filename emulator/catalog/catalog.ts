/**
 * Which collections exist, with their indexes and security rules: the local cloud's answer to
 * CloudBase's table metadata. CloudBase answers DATABASE_COLLECTION_NOT_EXIST (-502005) for any
 * database call on a collection never created (wx-server-sdk TCB_ERR_CODE), and creates one
 * through `db.createCollection` (wire `database.addCollection`) or the management API's
 * CreateTable (emulator/manager). The catalog is kept apart from the store (whose internals are
 * replaceable) and persisted beside it as `<dir>/collections.json`, rewritten whole (temp file,
 * rename) on each change: changes are rare (provisioning), reads are on every request.
 */
import fs from 'fs';
import path from 'path';
import { CloudErrors } from '../cloudErrors';
import { assertCollectionName } from '../store/docData';
import { RuleEngine, type CollectionRules, type RuleSet } from '../rules/rules';

/** The simple permissions CloudBase offers besides CUSTOM (manager-node permission/index.js PERMISSION_BY_RESOURCE.collection). */
export type SimplePermission = 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY';
/** A collection's permission: a simple one, or CUSTOM with its security-rule JSON text. */
export type CollectionPermission = { permission: SimplePermission } | { permission: 'CUSTOM'; securityRule: string };

/** One index key: a field and its direction ('1' ascending, '-1' descending: flexdb MgoIndexKeys). */
export interface IndexKey {
  name: string;
  direction: '1' | '-1';
}

/** An index as CloudBase describes it (manager-node interfaces/flexdb IndexInfo, less the statistics). */
export interface IndexSpec {
  name: string;
  keys: IndexKey[];
  unique: boolean;
}

/** What the catalog holds of one collection. */
export interface CollectionEntry {
  createdAt: number;
  /** The indexes besides `_id_` (which every collection has). */
  indexes: IndexSpec[];
  /** Unset until a rule is set: clients are then refused (see `rulesOf`). */
  permission?: CollectionPermission;
}

/**
 * The rule each simple permission stands for (CloudBase 安全规则 doc, 简易权限与安全规则的对应):
 * READONLY "所有用户可读，仅创建者可读写", PRIVATE "仅创建者可读写", ADMINWRITE "所有用户可读",
 * ADMINONLY "所有用户不可读写".
 */
const SIMPLE_RULES: Record<SimplePermission, CollectionRules> = {
  READONLY: { read: true, write: 'doc._openid == auth.openid' },
  PRIVATE: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
};

/** A collection without a permission: clients get nothing (the local cloud fails closed). */
const NO_RULE: CollectionRules = SIMPLE_RULES.ADMINONLY;

/**
 * CloudBase's message for a collection that does not exist, as wx-server-sdk surfaces it after
 * its own text (`collection.get:fail -502005 database collection not exists. [ResourceNotFound] Db
 * or Table not exist. ...`); the local cloud adds which collection.
 */
export function collectionNotExistMessage(collection: string): string {
  return `[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us. (local cloud: collection ${collection})`;
}

/** Thrown for a call on a collection never created: CloudBase's -502005. */
export class CollectionNotExistError extends Error {
  readonly errCode = CloudErrors.DATABASE_COLLECTION_NOT_EXIST.errCode;
  readonly errMsg: string;
  constructor(readonly collection: string) {
    super(collectionNotExistMessage(collection));
    this.errMsg = this.message;
    this.name = 'CollectionNotExistError';
  }
}

/** A refused catalog change (bad name, bad rule, bad index); nothing was changed. */
export class CatalogError extends Error {
  constructor(
    readonly reason: 'exists' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

const FILE = 'collections.json';

/** The rules `permission` stands for; throws CatalogError for a CUSTOM rule that is not a valid rule. */
export function rulesOf(collection: string, permission: CollectionPermission | undefined): CollectionRules {
  if (permission === undefined) return NO_RULE;
  if (permission.permission !== 'CUSTOM') return SIMPLE_RULES[permission.permission];
  let parsed: unknown;
  try {
    parsed = JSON.parse(permission.securityRule);
  } catch {
    throw new CatalogError('invalid', `securityRule of ${collection} is not JSON`);
  }
  try {
    new RuleEngine({ [collection]: parsed as CollectionRules }); // compiles it, or throws naming the fault
  } catch (err) {
    throw new CatalogError('invalid', `securityRule of ${collection}: ${(err as Error).message}`);
  }
  return parsed as CollectionRules;
}

/** The collections of one local cloud. */
export class CollectionCatalog {
  private readonly entries: Map<string, CollectionEntry>;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly file: string | null,
    entries: Record<string, CollectionEntry>,
  ) {
    this.entries = new Map(Object.entries(entries));
  }

  /** The catalog persisted in `dir` (empty when there is none yet); in memory only without `dir`. */
  static open(dir?: string): CollectionCatalog {
    if (dir === undefined) return new CollectionCatalog(null, {});
    const file = path.join(path.resolve(dir), FILE);
    if (!fs.existsSync(file)) return new CollectionCatalog(file, {});
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as Error).message}`);
    }
    const collections = (raw as { collections?: unknown } | null)?.collections;
    if (typeof collections !== 'object' || collections === null) throw new Error(`${file} holds no collections object`);
    return new CollectionCatalog(file, collections as Record<string, CollectionEntry>);
  }

  /** True when `name` was created. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Throws CloudBase's -502005 unless `name` was created. */
  assertExists(name: string): void {
    if (!this.entries.has(name)) throw new CollectionNotExistError(name);
  }

  /** The collections, by name. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** One collection's entry (a copy), or undefined. */
  get(name: string): CollectionEntry | undefined {
    const e = this.entries.get(name);
    return e && (JSON.parse(JSON.stringify(e)) as CollectionEntry);
  }

  /** Creates `name`; CatalogError 'exists' when it already exists, 'invalid' for a bad name. */
  create(name: string, now: number): void {
    this.assertName(name);
    if (this.entries.has(name)) throw new CatalogError('exists', `collection ${name} already exists`);
    this.entries.set(name, { createdAt: now, indexes: [] });
    this.changed();
  }

  /**
   * Adds and drops indexes of an existing collection, all or nothing: adding a name that exists,
   * dropping one that does not, `_id_`, or an index without keys is refused.
   */
  updateIndexes(name: string, add: IndexSpec[], drop: string[]): void {
    this.assertExists(name);
    const entry = this.entries.get(name) as CollectionEntry;
    const next = entry.indexes.filter((i) => !drop.includes(i.name));
    for (const d of drop) {
      if (!entry.indexes.some((i) => i.name === d)) throw new CatalogError('invalid', `index ${d} does not exist on ${name}`);
    }
    for (const spec of add) {
      if (spec.name === '_id_' || spec.name === '') throw new CatalogError('invalid', `index name ${JSON.stringify(spec.name)} is reserved or empty`);
      if (spec.keys.length === 0) throw new CatalogError('invalid', `index ${spec.name} has no keys`);
      if (next.some((i) => i.name === spec.name)) throw new CatalogError('exists', `index ${spec.name} already exists on ${name}`);
      next.push({ name: spec.name, keys: spec.keys.map((k) => ({ ...k })), unique: spec.unique });
    }
    entry.indexes = next;
    this.changed();
  }

  /** Sets the permission of an existing collection; a CUSTOM rule must compile. */
  setPermission(name: string, permission: CollectionPermission): void {
    this.assertExists(name);
    rulesOf(name, permission);
    (this.entries.get(name) as CollectionEntry).permission = { ...permission };
    this.changed();
  }

  /** The security rules of every collection (a collection without a permission denies clients). */
  ruleSet(): RuleSet {
    return Object.fromEntries([...this.entries].map(([name, e]) => [name, rulesOf(name, e.permission)]));
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The store's name rule (1-100 of A-Z a-z 0-9 _ -), narrowed to CloudBase's CreateTable rule
   * (cloud.tencent.com/document/api/876/127968: at most 96 characters, not starting with `_`).
   */
  private assertName(name: string): void {
    try {
      assertCollectionName(name);
    } catch (err) {
      throw new CatalogError('invalid', (err as Error).message);
    }
    if (name.length > 96 || name.startsWith('_')) throw new CatalogError('invalid', `invalid collection name ${JSON.stringify(name)} (at most 96 characters, not starting with _)`);
  }

  private changed(): void {
    if (this.file) {
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, collections: Object.fromEntries(this.entries) }, null, 1));
      fs.renameSync(tmp, this.file);
    }
    for (const l of this.listeners) l();
  }
}
