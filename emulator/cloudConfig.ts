/**
 * Reads `cloudbaserc.json` (CloudBase CLI v2 format), the one file that says which functions exist,
 * their env vars and their timer triggers — the same file `tcb fn deploy` reads, so the local cloud
 * and the real one cannot disagree about it.
 */
import fs from 'fs';
import path from 'path';
import { z } from 'zod';

const triggerSchema = z.object({
  name: z.string().min(1),
  type: z.string(),
  config: z.string(),
});

const functionSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a function name is letters, digits, _ and -'),
  handler: z.string().optional(),
  timeout: z.number().optional(),
  envVariables: z.record(z.string(), z.string()).optional(),
  triggers: z.array(triggerSchema).optional(),
});

const configSchema = z.object({
  version: z.string().optional(),
  envId: z.string().optional(),
  functionRoot: z.string().optional(),
  functions: z.array(functionSchema),
});

/** One timer trigger of a function. */
export interface TimerTriggerConfig {
  /** The trigger's name (CloudBase passes it as `TriggerName`). */
  name: string;
  /** The function the trigger runs. */
  functionName: string;
  /** The 7-field CloudBase cron expression (second minute hour day month weekday year). */
  cron: string;
}

/** One function as the local cloud needs it. */
export interface FunctionConfig {
  name: string;
  /** The folder holding the built `index.js`. */
  dir: string;
  /** `file.export` of the entry, as in cloudbaserc.json (default `index.main`). */
  handler: string;
  /** Seconds; the platform default is 3. */
  timeoutSeconds: number;
  envVariables: Record<string, string>;
}

/** The parsed `cloudbaserc.json`. */
export interface CloudConfig {
  envId: string;
  functions: FunctionConfig[];
  timers: TimerTriggerConfig[];
}

/** Reads and validates `<repoRoot>/cloudbaserc.json`; throws an Error naming the file on any problem. */
export function loadCloudConfig(repoRoot: string): CloudConfig {
  const file = path.join(repoRoot, 'cloudbaserc.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const cfg = parsed.data;
  const functionRoot = path.resolve(repoRoot, cfg.functionRoot ?? 'cloudfunctions');
  const functions = cfg.functions.map((f) => ({
    name: f.name,
    dir: path.join(functionRoot, f.name),
    handler: f.handler ?? 'index.main',
    timeoutSeconds: f.timeout ?? 3,
    envVariables: f.envVariables ?? {},
  }));
  const timers = cfg.functions.flatMap((f) =>
    (f.triggers ?? [])
      .filter((t) => t.type === 'timer')
      .map((t) => ({ name: t.name, functionName: f.name, cron: t.config })),
  );
  // `{{env.ENV_ID}}`-style placeholders are filled by the CLI at deploy time; locally there is one env.
  const envId = cfg.envId && !cfg.envId.includes('{{') ? cfg.envId : 'local';
  return { envId, functions, timers };
}
