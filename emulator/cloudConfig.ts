/**
 * Reads `cloudbaserc.json` (CloudBase CLI v2 format), the one file that says which functions exist,
 * their env vars and their timer triggers — the same file `tcb fn deploy` reads, so the local cloud
 * and the real one cannot disagree about it.
 *
 * Its `{{env.NAME}}` values are filled as the tcb CLI fills them (docs.cloudbase.net/cli-v1/config,
 * 动态变量 → 环境变量; @cloudbase/toolbox's ConfigParser): from `.env` and `.env.local` beside it,
 * and `.env.<mode>` with a mode, later files winning (`.env.<mode>` > `.env.local` > `.env`). So the
 * secrets a deployment needs live in a gitignored `.env`, never in the tracked file. A name no file
 * sets becomes '' (unset), which the function's own config check then names.
 */
import fs from 'fs';
import path from 'path';
import { parseEnv } from 'util';
import { z } from 'zod';

const functionSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a function name is letters, digits, _ and -'),
  handler: z.string().optional(),
  timeout: z.number().optional(),
  envVariables: z.record(z.string(), z.string()).optional(),
  triggers: z.array(z.object({ name: z.string().min(1), type: z.string(), config: z.string() })).optional(),
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

/** Options of loadCloudConfig. */
export interface CloudConfigOptions {
  /** As the tcb CLI's `--mode`: `.env.<mode>` is read too, over `.env.local` and `.env`. */
  mode?: string;
}

/** The variables of `.env`, `.env.local` and `.env.<mode>` in `dir`, later files winning (absent files skipped). */
export function loadDotEnv(dir: string, mode?: string): Record<string, string> {
  if (mode !== undefined && !/^[A-Za-z0-9_-]+$/.test(mode)) throw new Error(`mode must be letters, digits, _ or -, got ${JSON.stringify(mode)}`);
  const out: Record<string, string> = {};
  for (const name of ['.env', '.env.local', ...(mode ? [`.env.${mode}`] : [])]) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    Object.assign(out, parseEnv(fs.readFileSync(file, 'utf8')));
  }
  return out;
}

/** `value` with every `{{env.NAME}}` in its strings replaced by `vars.NAME` ('' when unset). */
function fillEnv(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => vars[name] ?? '');
  if (Array.isArray(value)) return value.map((v: unknown) => fillEnv(v, vars));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillEnv(v, vars)]));
  return value;
}

/** Reads and validates `<repoRoot>/cloudbaserc.json`, its `{{env.X}}` filled from `.env` files; throws an Error naming the file on any problem. */
export function loadCloudConfig(repoRoot: string, options: CloudConfigOptions = {}): CloudConfig {
  const file = path.join(repoRoot, 'cloudbaserc.json');
  let raw: unknown;
  try {
    raw = fillEnv(JSON.parse(fs.readFileSync(file, 'utf8')), loadDotEnv(repoRoot, options.mode));
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
  const envId = cfg.envId ? cfg.envId : 'local';
  return { envId, functions, timers };
}
