/**
 * The tcb management actions (Tencent Cloud API 3.0, service `tcb`, version 2018-06-08) that
 * provisioning sends through @cloudbase/manager-node 5.6.5, with the request shapes that SDK
 * builds (lib/database/index.js, lib/permission/index.js, lib/env/index.js) and the replies it
 * reads. Each takes the parsed params and answers the `Response` fields besides `RequestId`, or
 * throws a ManagerFailure; each checks all of its input before it changes anything.
 */
import { z } from 'zod';
import { CatalogError, type CollectionCatalog, type CollectionPermission, type IndexSpec } from '../catalog/catalog';
import type { DocumentStore } from '../store/store';
import { describeIssues } from '../wire';

/** A refusal, as Tencent Cloud API 3.0 answers it: `Response.Error {Code, Message}`. */
export class ManagerFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ManagerFailure';
  }
}

/** What the actions work on. */
export interface ManagerContext {
  envId: string;
  region: string;
  catalog: CollectionCatalog;
  store: DocumentStore;
  now: () => number;
}

type Action = (params: unknown, ctx: ManagerContext) => Promise<Record<string, unknown>>;

/** manager-node sends `MongoConnector: {DatabaseName, InstanceId: 'flexdb'}` (getMongoConnector) from DescribeEnvInfo's Databases[0]. */
const mongoConnector = z.object({ DatabaseName: z.string(), InstanceId: z.string() }).optional();
/** CreateTable's rule (cloud.tencent.com/document/api/876/127968): at most 96 characters; the catalog checks the rest. */
const tableName = z.string().min(1).max(96);
const envScoped = { EnvId: z.string().min(1), MongoConnector: mongoConnector };
const tableParams = z.object({ ...envScoped, TableName: tableName });

const createIndex = z.object({
  IndexName: z.string().min(1).max(128),
  MgoKeySchema: z.object({
    MgoIndexKeys: z.array(z.object({ Name: z.string().min(1), Direction: z.enum(['1', '-1']) })).min(1),
    MgoIsUnique: z.boolean(),
  }),
});
const updateTableParams = tableParams.extend({
  CreateIndexes: z.array(createIndex).optional(),
  DropIndexes: z.array(z.object({ IndexName: z.string().min(1) })).optional(),
});
const listTablesParams = z.object({ ...envScoped, MgoLimit: z.number().int().min(1).max(1000), MgoOffset: z.number().int().min(0).optional() });
const permission = z.enum(['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM']);
const modifyPermissionParams = z.object({
  EnvId: z.string().min(1),
  ResourceType: z.string(),
  Resource: z.string().optional(),
  Permission: permission,
  SecurityRule: z.string().optional(),
});
const describePermissionParams = z.object({ EnvId: z.string().min(1), ResourceType: z.string(), Resources: z.array(z.string()).max(100).optional() });

function parse<T>(schema: z.ZodType<T>, params: unknown): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new ManagerFailure('InvalidParameter', describeIssues(parsed.error));
  return parsed.data;
}

function assertEnv(envId: string, ctx: ManagerContext): void {
  if (envId !== ctx.envId) throw new ManagerFailure('ResourceNotFound', `env ${envId} is not served here (this local cloud is ${ctx.envId})`);
}

function assertTable(name: string, ctx: ManagerContext): void {
  if (!ctx.catalog.has(name)) throw new ManagerFailure('ResourceNotFound', `table ${name} does not exist`);
}

/** Catalog refusals in the API's terms. */
function catalogCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CatalogError) throw new ManagerFailure(err.reason === 'exists' ? 'ResourceInUse' : 'InvalidParameter', err.message);
    throw err;
  }
}

/** The `_id_` index every collection has (DescribeTable's example, cloud.tencent.com/document/api/876/127966). */
const ID_INDEX = { Name: '_id_', Size: 0, Unique: true, Keys: [{ Name: '_id', Direction: '1' }], Accesses: { Ops: 0, Since: '1970-01-01T00:00:00.000Z' } };

function indexInfo(spec: IndexSpec): Record<string, unknown> {
  return { Name: spec.name, Size: 0, Unique: spec.unique, Keys: spec.keys.map((k) => ({ Name: k.name, Direction: k.direction })), Accesses: ID_INDEX.Accesses };
}

/**
 * DescribeEnvInfo: environment.lazyInit (before any database or permission call) reads
 * `EnvInfo.EnvBaseInfo` and needs `EnvId` and `Databases[0].InstanceId` (database/index.js getMongoConnector).
 */
const describeEnvInfo: Action = async (params, ctx) => {
  assertEnv(parse(z.object({ EnvId: z.string() }), params).EnvId, ctx);
  return {
    EnvInfo: {
      EnvBaseInfo: {
        EnvId: ctx.envId,
        Alias: ctx.envId,
        Status: 'NORMAL',
        Region: ctx.region,
        Databases: [{ InstanceId: ctx.envId, Region: ctx.region, Status: 'RUNNING' }],
        Storages: [],
        Functions: [{ Namespace: ctx.envId, Region: ctx.region }],
      },
    },
  };
};

/** CreateTable (database.createCollection): an existing table is refused with ResourceInUse. */
const createTable: Action = async (params, ctx) => {
  const p = parse(tableParams, params);
  assertEnv(p.EnvId, ctx);
  catalogCall(() => ctx.catalog.create(p.TableName, ctx.now()));
  return {};
};

/** DescribeTable (database.describeCollection / checkCollectionExists): `{Indexes, IndexNum}`. */
const describeTable: Action = async (params, ctx) => {
  const p = parse(tableParams, params);
  assertEnv(p.EnvId, ctx);
  assertTable(p.TableName, ctx);
  const indexes = [ID_INDEX, ...(ctx.catalog.get(p.TableName)?.indexes ?? []).map(indexInfo)];
  return { Indexes: indexes, IndexNum: indexes.length };
};

/**
 * UpdateTable (database.updateCollection): creates and drops indexes, all or nothing. A unique
 * index is refused: the local store would not enforce it, and a local cloud that accepted it would
 * let through duplicates CloudBase refuses.
 */
const updateTable: Action = async (params, ctx) => {
  const p = parse(updateTableParams, params);
  assertEnv(p.EnvId, ctx);
  assertTable(p.TableName, ctx);
  const add: IndexSpec[] = (p.CreateIndexes ?? []).map((c) => {
    if (c.MgoKeySchema.MgoIsUnique) throw new ManagerFailure('UnsupportedOperation', `index ${c.IndexName}: unique indexes are not supported by the local cloud`);
    return { name: c.IndexName, unique: false, keys: c.MgoKeySchema.MgoIndexKeys.map((k) => ({ name: k.Name, direction: k.Direction })) };
  });
  catalogCall(() => ctx.catalog.updateIndexes(p.TableName, add, (p.DropIndexes ?? []).map((d) => d.IndexName)));
  return {};
};

/** ListTables (database.listCollections): `{Tables: [{TableName, Count, Size, IndexCount, IndexSize}], Pager}`. */
const listTables: Action = async (params, ctx) => {
  const p = parse(listTablesParams, params);
  assertEnv(p.EnvId, ctx);
  const names = ctx.catalog.names();
  const offset = p.MgoOffset ?? 0;
  const page = names.slice(offset, offset + p.MgoLimit);
  const tables = await Promise.all(
    page.map(async (name) => ({
      TableName: name,
      Count: await ctx.store.count(name, {}),
      Size: 0,
      IndexCount: 1 + (ctx.catalog.get(name)?.indexes.length ?? 0),
      IndexSize: 0,
    })),
  );
  return { Tables: tables, Pager: { Offset: offset, Limit: p.MgoLimit, Total: names.length } };
};

/**
 * ModifyResourcePermission (permission.modifyResourcePermission): a collection's security rule.
 * Only `ResourceType: 'collection'` is served; a CUSTOM rule must be valid rule JSON (the SDK
 * leaves that check commented out; the local cloud compiles the rule and refuses a bad one).
 */
const modifyResourcePermission: Action = async (params, ctx) => {
  const p = parse(modifyPermissionParams, params);
  assertEnv(p.EnvId, ctx);
  if (p.ResourceType !== 'collection') throw new ManagerFailure('UnsupportedOperation', `ResourceType ${p.ResourceType} is not served by the local cloud`);
  if (p.Resource === undefined) throw new ManagerFailure('MissingParameter', 'Resource is required for a collection');
  assertTable(p.Resource, ctx);
  let next: CollectionPermission;
  if (p.Permission === 'CUSTOM') {
    if (p.SecurityRule === undefined || p.SecurityRule.trim() === '') throw new ManagerFailure('MissingParameter', 'SecurityRule is required when Permission is CUSTOM');
    next = { permission: 'CUSTOM', securityRule: p.SecurityRule };
  } else {
    next = { permission: p.Permission };
  }
  const resource = p.Resource;
  catalogCall(() => ctx.catalog.setPermission(resource, next));
  // Wrapped in Data, as manager-node's typings declare the reply (types/permission/index.d.ts).
  return { Data: { Success: true } };
};

/** DescribeResourcePermission (permission.describeResourcePermission): `{Data: {TotalCount, PermissionList}}` (types/permission/index.d.ts). */
const describeResourcePermission: Action = async (params, ctx) => {
  const p = parse(describePermissionParams, params);
  assertEnv(p.EnvId, ctx);
  if (p.ResourceType !== 'collection') throw new ManagerFailure('UnsupportedOperation', `ResourceType ${p.ResourceType} is not served by the local cloud`);
  const names = (p.Resources ?? ctx.catalog.names()).filter((n) => ctx.catalog.has(n));
  const list = names.map((name) => {
    const perm = ctx.catalog.get(name)?.permission;
    return {
      ResourceType: 'collection',
      Resource: name,
      // A collection without a permission denies clients (catalog.ts): ADMINONLY is what it means.
      Permission: perm?.permission ?? 'ADMINONLY',
      ...(perm?.permission === 'CUSTOM' ? { SecurityRule: perm.securityRule } : {}),
    };
  });
  return { Data: { TotalCount: list.length, PermissionList: list } };
};

/** Every action the local management API serves, by its X-TC-Action name. */
export const managerActions: Readonly<Record<string, Action>> = {
  DescribeEnvInfo: describeEnvInfo,
  CreateTable: createTable,
  DescribeTable: describeTable,
  UpdateTable: updateTable,
  ListTables: listTables,
  ModifyResourcePermission: modifyResourcePermission,
  DescribeResourcePermission: describeResourcePermission,
};
