/**
 * What provisioning does, as data: the steps that make an env match the database definition
 * (shared/database.ts) and the functions of cloudbaserc.json. Pure: `planDatabase` compares the
 * definition with what the env reports (or, offline, with nothing: everything is to be ensured),
 * so `npm run deploy -- --dry-run` and a real run print the same plan from the same code.
 */
import { indexName, type DatabaseDefinition, type SecurityRule } from '../database';

/** What an env reports about one collection (DescribeTable and DescribeResourcePermission). */
export interface ObservedCollection {
  /** Names of the indexes it has, `_id_` included. */
  indexes: string[];
  /** Its permission, CUSTOM with the rule text, or a simple one. */
  permission?: { permission: string; securityRule?: string };
}

/** collection name → what the env has; a collection absent here does not exist. */
export type ObservedDatabase = Record<string, ObservedCollection>;

/** One provisioning step. */
export type Step =
  | { kind: 'createCollection'; collection: string }
  | { kind: 'createIndex'; collection: string; index: string; fields: readonly string[] }
  | { kind: 'setRule'; collection: string; rule: SecurityRule }
  | { kind: 'deployFunction'; name: string }
  | { kind: 'timer'; function: string; name: string; config: string };

/** The security-rule text sent for a rule (CUSTOM permission, manager-node `securityRule`). */
export function ruleText(rule: SecurityRule): string {
  return JSON.stringify(rule);
}

function sameRule(observed: ObservedCollection['permission'], rule: SecurityRule): boolean {
  if (observed?.permission !== 'CUSTOM' || observed.securityRule === undefined) return false;
  try {
    return JSON.stringify(sortKeys(JSON.parse(observed.securityRule))) === JSON.stringify(sortKeys(rule));
  } catch {
    return false;
  }
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The database steps that bring `observed` to `definition`: create each missing collection, create
 * each missing index (by CloudBase's name for it), set each rule that differs. `observed` null
 * means unknown (offline): every collection, index and rule is listed. Nothing is ever dropped:
 * an index or a collection the definition no longer names is left for a person to remove.
 */
export function planDatabase(definition: DatabaseDefinition, observed: ObservedDatabase | null): Step[] {
  const steps: Step[] = [];
  for (const [collection, def] of Object.entries(definition)) {
    const seen = observed?.[collection];
    if (!seen) steps.push({ kind: 'createCollection', collection });
    for (const fields of def.indexes) {
      const index = indexName(fields);
      if (!seen?.indexes.includes(index)) steps.push({ kind: 'createIndex', collection, index, fields });
    }
    if (!seen || !sameRule(seen.permission, def.rule)) steps.push({ kind: 'setRule', collection, rule: def.rule });
  }
  return steps;
}

/** The function steps of a cloudbaserc.json: each function, and each of its timer triggers. */
export function planFunctions(functions: readonly { name: string; triggers?: readonly { name: string; type: string; config: string }[] }[]): Step[] {
  return functions.flatMap((f) => [
    { kind: 'deployFunction' as const, name: f.name },
    ...(f.triggers ?? []).filter((t) => t.type === 'timer').map((t) => ({ kind: 'timer' as const, function: f.name, name: t.name, config: t.config })),
  ]);
}

/** One line per step, for the deploy script's output. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'createCollection':
      return `create collection ${step.collection}`;
    case 'createIndex':
      return `create index ${step.collection}.${step.index} (${step.fields.join(', ')})`;
    case 'setRule':
      return `set security rule of ${step.collection}: ${ruleText(step.rule)}`;
    case 'deployFunction':
      return `deploy function ${step.name}`;
    case 'timer':
      return `deploy timer trigger ${step.function}.${step.name} (${step.config})`;
  }
}
