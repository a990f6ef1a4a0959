/**
 * Provisions an env's database from the definition with @cloudbase/manager-node 5.6.5, the SDK
 * the tcb CLI itself is built on: it has the calls for every part (database.createCollection →
 * CreateTable, describeCollection → DescribeTable, updateCollection → UpdateTable with
 * CreateIndexes, permission.modifyResourcePermission / describeResourcePermission for security
 * rules), where the tcb CLI has no command for indexes or rules. The same function provisions a
 * real env (`npm run deploy`) and the local cloud (emulator/jrtc/localCloud.ts, through
 * `TCB_BASE_URL`), so the local cloud is provisioned the way production is.
 *
 * Idempotent: it reads what the env has, plans the difference (plan.ts) and applies only that; a
 * second run applies nothing.
 */
import CloudBase from '@cloudbase/manager-node';
import type { DatabaseDefinition } from '../database';
import { describeStep, planDatabase, ruleText, type ObservedDatabase, type Step } from './plan';

/** Where and as whom to provision. */
export interface ManagerTarget {
  envId: string;
  secretId: string;
  secretKey: string;
  /** A temporary key's session token, if any. */
  token?: string;
  /**
   * The tcb API endpoint (manager-node reads it from `TCB_BASE_URL`); unset = Tencent's. The
   * local cloud's is `<cloud url>/tcb` (emulator/manager).
   */
  baseUrl?: string;
}

/** A step the env refused: which step, and the env's code and message. */
export class ProvisionError extends Error {
  constructor(
    readonly step: Step | 'observe',
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${step === 'observe' ? 'reading the env' : describeStep(step)} failed${code ? ` (${code})` : ''}: ${message}`);
    this.name = 'ProvisionError';
  }
}

/** What a run did: the steps applied, in order (none when the env already matched). */
export interface ProvisionResult {
  applied: Step[];
}

let endpointQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` with `TCB_BASE_URL` set to `baseUrl` (when given), one run at a time in this process:
 * manager-node reads that variable on every request, so two runs with different endpoints (two
 * local clouds in one test process) must not overlap.
 */
function withEndpoint<T>(baseUrl: string | undefined, fn: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const before = process.env.TCB_BASE_URL;
    if (baseUrl !== undefined) process.env.TCB_BASE_URL = baseUrl;
    try {
      return await fn();
    } finally {
      if (before === undefined) delete process.env.TCB_BASE_URL;
      else process.env.TCB_BASE_URL = before;
    }
  };
  const result = endpointQueue.then(run, run);
  endpointQueue = result.catch(() => undefined);
  return result;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What the env has of the definition's collections. */
async function observe(app: CloudBase, definition: DatabaseDefinition): Promise<ObservedDatabase> {
  const names = Object.keys(definition);
  const observed: ObservedDatabase = {};
  try {
    for (const name of names) {
      // checkCollectionExists answers any DescribeTable failure as "does not exist"; a real
      // refusal (credentials, env) then surfaces at the CreateTable that follows.
      if (!(await app.database.checkCollectionExists(name)).Exists) continue;
      const described = await app.database.describeCollection(name);
      observed[name] = { indexes: (described.Indexes ?? []).map((i) => i.Name) };
    }
    const present = names.filter((n) => observed[n]);
    if (present.length > 0) {
      const perms = await app.permission.describeResourcePermission({ resourceType: 'collection', resources: present });
      for (const p of perms.Data?.PermissionList ?? []) {
        const entry = p.Resource === undefined ? undefined : observed[p.Resource];
        if (entry && p.Permission !== undefined) entry.permission = { permission: p.Permission, securityRule: p.SecurityRule };
      }
    }
  } catch (err) {
    throw new ProvisionError('observe', codeOf(err), (err as Error).message);
  }
  return observed;
}

async function apply(app: CloudBase, step: Step): Promise<void> {
  switch (step.kind) {
    case 'createCollection':
      await app.database.createCollection(step.collection);
      return;
    case 'createIndex':
      await app.database.updateCollection(step.collection, {
        CreateIndexes: [{ IndexName: step.index, MgoKeySchema: { MgoIndexKeys: step.fields.map((Name) => ({ Name, Direction: '1' })), MgoIsUnique: false } }],
      });
      return;
    case 'setRule':
      await app.permission.modifyResourcePermission({ resourceType: 'collection', resource: step.collection, permission: 'CUSTOM', securityRule: ruleText(step.rule) });
      return;
    default:
      throw new Error(`${describeStep(step)} is not a database step`);
  }
}

/**
 * Makes the env's collections, indexes and rules match `definition`; throws ProvisionError naming
 * the step the env refused (the steps before it stay applied: running again resumes).
 */
export function provisionDatabase(target: ManagerTarget, definition: DatabaseDefinition, log: (line: string) => void = () => undefined): Promise<ProvisionResult> {
  return withEndpoint(target.baseUrl, async () => {
    const app = new CloudBase({ envId: target.envId, secretId: target.secretId, secretKey: target.secretKey, token: target.token });
    const steps = planDatabase(definition, await observe(app, definition));
    for (const step of steps) {
      try {
        await apply(app, step);
      } catch (err) {
        throw new ProvisionError(step, codeOf(err), (err as Error).message);
      }
      log(`  ${describeStep(step)}`);
    }
    return { applied: steps };
  });
}
