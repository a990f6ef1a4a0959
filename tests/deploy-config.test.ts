/**
 * The deployment descriptors: cloudbaserc.json (tcb CLI), each function's package.json and DevTools
 * config.json, project.config.json and the mini program's app.json. A typo here only shows up at deploy
 * time, on somebody else's account; these checks bring it forward.
 */
import fs from 'fs';
import path from 'path';
import { parseEnv } from 'util';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { loadConfig } from '../shared/functionConfig';

const root = path.resolve(__dirname, '..');
const readJson = (...parts: string[]): unknown => JSON.parse(fs.readFileSync(path.join(root, ...parts), 'utf8'));
const isDir = (...parts: string[]) => fs.existsSync(path.join(root, ...parts)) && fs.statSync(path.join(root, ...parts)).isDirectory();
const isFile = (...parts: string[]) => fs.existsSync(path.join(root, ...parts)) && fs.statSync(path.join(root, ...parts)).isFile();

/** The variables the jrtc function reads; a deployer fills in the empty ones. */
const jrtcEnvKeys = [
  'JRTC_APPS',
  'JRTC_ROOM_BACKEND',
  'JRTC_TRTC_SDKAPPID',
  'JRTC_TRTC_SECRET_KEY',
  'JRTC_MEDIA_PROVIDER',
  'JRTC_PUSH_DOMAINS',
  'JRTC_PULL_DOMAINS',
  'JRTC_PUSH_KEY',
  'JRTC_PULL_KEY',
  'JRTC_MEDIA_APP',
  'JRTC_URL_TTL_SECONDS',
  'JRTC_PULL_SCHEME',
  'JRTC_PULL_HTTP_PORT',
  'JRTC_KICK_BAN_SECONDS',
  'JRTC_TOKEN_TTL_SECONDS',
  'JRTC_BIND_USER_TO_OPENID',
  'JRTC_DEFAULT_STAGE_POLICY',
  'JRTC_HEARTBEAT_MS',
  'JRTC_LEASE_MS',
  'JRTC_ISSUE_POLICY',
];

/** A timer trigger, as both cloudbaserc.json and DevTools' config.json spell it. */
const triggerSchema = z.strictObject({
  // Tencent's rule: up to 60 characters of a-z A-Z 0-9 - _, starting with a letter.
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/),
  type: z.literal('timer'),
  config: z.string(),
});

const functionSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/),
  handler: z.literal('index.main'),
  runtime: z.literal('Nodejs18.15'),
  timeout: z.number().int().min(1).max(60),
  installDependency: z.literal(true),
  ignore: z.array(z.string()).optional(),
  // Env vars are strings on the platform; a number here would be rejected at deploy time.
  envVariables: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()),
  triggers: z.array(triggerSchema).max(1, 'CloudBase allows one trigger per function').optional(),
});

const cloudbasercSchema = z.object({
  version: z.literal('2.0'),
  envId: z.literal('{{env.ENV_ID}}'),
  functionRoot: z.literal('./cloudfunctions'),
  functions: z.array(functionSchema).min(1),
});

const devtoolsConfigSchema = z.strictObject({
  permissions: z.strictObject({ openapi: z.array(z.string()) }),
  triggers: z.array(triggerSchema).max(1).optional(),
});

const functionPackageSchema = z.object({
  name: z.string(),
  main: z.literal('index.js'),
  dependencies: z.object({ 'wx-server-sdk': z.literal('4.0.2') }),
});

const rc = cloudbasercSchema.parse(readJson('cloudbaserc.json'));
const byName = new Map(rc.functions.map((f) => [f.name, f]));

/** Parses CloudBase's 7-field cron (sec min hour day month weekday year) with cron-parser, year dropped. */
function parseCloudCron(expr: string) {
  const fields = expr.trim().split(/\s+/);
  expect(fields).toHaveLength(7);
  expect(fields[6]).toMatch(/^(\*|\d{4}(-\d{4})?)$/);
  return CronExpressionParser.parse(fields.slice(0, 6).join(' '), { currentDate: new Date('2024-01-01T00:00:30Z'), tz: 'UTC' });
}

describe('cloudbaserc.json', () => {
  it('declares exactly the function folders, each deployable on its own', () => {
    const folders = fs.readdirSync(path.join(root, 'cloudfunctions')).filter((d) => isDir('cloudfunctions', d));
    expect([...byName.keys()].sort()).toEqual(folders.sort());
    expect(folders.sort()).toEqual(['jrtc', 'jrtcSweep']);
    for (const name of folders) {
      expect(isFile('cloudfunctions', name, 'package.json')).toBe(true);
      expect(isFile('cloudfunctions', name, 'config.json')).toBe(true);
      expect(isFile('cloudfunctions', name, 'src', 'index.ts')).toBe(true);
      const pkg = functionPackageSchema.parse(readJson('cloudfunctions', name, 'package.json'));
      expect(pkg.name).toBe(name);
    }
  });

  it('gives jrtc 10 s and every variable it reads', () => {
    const jrtc = byName.get('jrtc')!;
    expect(jrtc.timeout).toBe(10);
    expect(Object.keys(jrtc.envVariables)).toEqual(expect.arrayContaining(jrtcEnvKeys));
    expect(jrtc.triggers ?? []).toEqual([]);
  });

  it('ships jrtc defaults that the function accepts once .env.example\'s values fill its {{env.X}}', () => {
    const example = parseEnv(fs.readFileSync(path.join(root, '.env.example'), 'utf8'));
    const filled = Object.fromEntries(
      Object.entries(byName.get('jrtc')!.envVariables).map(([k, v]) => [k, v.replace(/\{\{env\.([A-Z_][A-Z0-9_]*)\}\}/g, (_m, name: string) => example[name] ?? '')]),
    );
    const result = loadConfig(filled);
    expect(result.ok).toBe(true);
  });

  it('keeps every secret out of the tracked file: app keys, signing keys and domains are {{env.X}}, each documented in .env.example', () => {
    const jrtc = byName.get('jrtc')!.envVariables;
    const example = parseEnv(fs.readFileSync(path.join(root, '.env.example'), 'utf8'));
    for (const name of ['JRTC_APPS', 'JRTC_PUSH_KEY', 'JRTC_PULL_KEY', 'JRTC_PUSH_DOMAINS', 'JRTC_PULL_DOMAINS']) {
      expect({ name, value: jrtc[name] }).toEqual({ name, value: `{{env.${name}}}` });
      expect(example[name]).toBeTruthy();
    }
    // Optional secrets: {{env.X}} too, and named (empty) in .env.example.
    for (const name of ['JRTC_TRTC_SDKAPPID', 'JRTC_TRTC_SECRET_KEY']) {
      expect({ name, value: jrtc[name] }).toEqual({ name, value: `{{env.${name}}}` });
      expect(example).toHaveProperty(name);
    }
    expect(example.ENV_ID).toBeTruthy();
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['.env', '.env.*', '!.env.example']));
  });

  it('runs jrtcSweep every minute for up to 60 s, with the same lease as jrtc', () => {
    const sweep = byName.get('jrtcSweep')!;
    expect(sweep.timeout).toBe(60);
    expect(sweep.envVariables.JRTC_LEASE_MS).toBe(byName.get('jrtc')!.envVariables.JRTC_LEASE_MS);
    expect(sweep.triggers).toEqual([{ name: 'sweep', type: 'timer', config: '0 */1 * * * * *' }]);
    const cron = parseCloudCron(sweep.triggers![0].config);
    const runs = [cron.next().getTime(), cron.next().getTime(), cron.next().getTime()];
    expect(runs[0]).toBe(Date.parse('2024-01-01T00:01:00Z'));
    expect(runs[1] - runs[0]).toBe(60_000);
    expect(runs[2] - runs[1]).toBe(60_000);
  });

  it('rejects what the platform would (the schema can fail)', () => {
    const bad = structuredClone(readJson('cloudbaserc.json')) as { functions: Array<Record<string, unknown>> };
    bad.functions[0].runtime = 'Nodejs16.13';
    expect(cloudbasercSchema.safeParse(bad).success).toBe(false);
    expect(() => parseCloudCron('0 */1 * * * *')).toThrow();
  });
});

describe('DevTools config.json', () => {
  it('has the documented shape, and the timer matches cloudbaserc.json', () => {
    for (const f of rc.functions) {
      const config = devtoolsConfigSchema.parse(readJson('cloudfunctions', f.name, 'config.json'));
      expect(config.triggers ?? []).toEqual(f.triggers ?? []);
      for (const t of config.triggers ?? []) parseCloudCron(t.config);
    }
  });
});

describe('project.config.json and the mini program', () => {
  const project = z
    .object({
      appid: z.string().min(1),
      compileType: z.literal('miniprogram'),
      miniprogramRoot: z.string(),
      cloudfunctionRoot: z.string(),
      libVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
      setting: z.object({ useCompilerPlugins: z.array(z.string()) }),
    })
    .parse(readJson('project.config.json'));

  it('points at folders that exist and compiles TypeScript', () => {
    expect(isDir(project.miniprogramRoot)).toBe(true);
    expect(isDir(project.cloudfunctionRoot)).toBe(true);
    expect(path.resolve(root, project.cloudfunctionRoot)).toBe(path.resolve(root, rc.functionRoot));
    expect(project.setting.useCompilerPlugins).toContain('typescript');
  });

  it('lists pages whose four files exist, and a sitemap', () => {
    const app = z
      .object({ pages: z.array(z.string()).min(1), sitemapLocation: z.string() })
      .parse(readJson(project.miniprogramRoot, 'app.json'));
    expect(app.pages[0]).toBe('pages/index/index');
    for (const page of app.pages) {
      for (const ext of ['.json', '.wxml', '.wxss', '.ts']) {
        expect(isFile(project.miniprogramRoot, page + ext)).toBe(true);
      }
    }
    expect(isFile(project.miniprogramRoot, app.sitemapLocation)).toBe(true);
    expect(isFile(project.miniprogramRoot, 'app.ts')).toBe(true);
  });
});
