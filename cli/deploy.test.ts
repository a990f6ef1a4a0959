/**
 * `npm run deploy`: the dry run lists everything offline; a real run provisions an env through the
 * real @cloudbase/manager-node, here a local cloud started unprovisioned (TCB_BASE_URL points the
 * SDK at its management API, as the deploy doc says nothing else may), idempotently, and stops
 * at the first refusal naming the step.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { defaultRepoRoot, type LocalCloud } from '../emulator/jrtc/localCloud';
import { startLocalCloud } from '../emulator/jrtc/localCloud';
import { createCloudClient } from '../emulator/client/client';
import { databaseDefinition, indexName } from '../shared/database';
import { runDeploy, type DeployOptions } from './deploy';

jest.setTimeout(60_000);

const repoRoot = defaultRepoRoot();
const collections = Object.keys(databaseDefinition);
const indexCount = Object.values(databaseDefinition).reduce((n, c) => n + c.indexes.length, 0);

function capture(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('--dry-run', () => {
  test('lists every collection, index, rule, function and timer, offline and without credentials', async () => {
    const out = capture();
    // No credentials anywhere, and jest's noNetwork preload turns any connection into a failure.
    const code = await runDeploy({ repoRoot, dryRun: true, databaseOnly: false, env: {}, log: out.log });
    expect(code).toBe(0);
    const steps = out.lines.slice(1).map((l) => l.trim());
    expect(steps.filter((l) => l.startsWith('create collection '))).toEqual(collections.map((c) => `create collection ${c}`));
    expect(steps.filter((l) => l.startsWith('create index '))).toHaveLength(indexCount);
    expect(steps).toContain('create index jrtc_members.roomKey_1_role_1 (roomKey, role)');
    expect(steps.filter((l) => l.startsWith('set security rule of '))).toHaveLength(collections.length);
    expect(steps).toContain(`set security rule of jrtc_signals: ${JSON.stringify(databaseDefinition.jrtc_signals.rule)}`);
    expect(steps.slice(-3)).toEqual(['deploy function jrtc', 'deploy function jrtcSweep', 'deploy timer trigger jrtcSweep.sweep (0 */1 * * * * *)']);
  });
});

describe('a real run against a local cloud', () => {
  let cloud: LocalCloud;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-deploy-'));
    cloud = await startLocalCloud({ port: 0, dataDir: dir, timers: false, provision: false, log: () => undefined });
  });
  afterEach(async () => {
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deploy = (env: Record<string, string>, extra: Partial<DeployOptions> = {}) => {
    const out = capture();
    const ran: string[] = [];
    const options: DeployOptions = {
      repoRoot,
      dryRun: false,
      databaseOnly: false,
      // ENV_ID from the test, not from a developer's .env.
      env: { ENV_ID: cloud.envId, TCB_BASE_URL: cloud.managerUrl, ...env },
      deployFunctions: (root) => (ran.push(root), 0),
      log: out.log,
      ...extra,
    };
    return { out, ran, run: () => runDeploy(options) };
  };
  const keys = () => ({ TENCENTCLOUD_SECRETID: cloud.managerCredentials.secretId, TENCENTCLOUD_SECRETKEY: cloud.managerCredentials.secretKey });

  test('provisions collections, rules and indexes, then the functions; a second run changes nothing', async () => {
    // Unprovisioned, the functions' collections do not exist: CloudBase's -502005 for a client too.
    await expect(createCloudClient({ url: cloud.url, openid: 'o' }).database().collection('jrtc_rooms').where({}).get()).rejects.toMatchObject({ errCode: -502005 });

    const first = deploy(keys());
    expect(await first.run()).toBe(0);
    expect(first.ran).toEqual([repoRoot]);
    expect(cloud.catalog.names()).toEqual([...collections].sort());
    for (const [name, def] of Object.entries(databaseDefinition)) {
      const entry = cloud.catalog.get(name);
      expect(entry?.indexes.map((i) => i.name)).toEqual(def.indexes.map(indexName));
      expect(entry?.permission).toEqual({ permission: 'CUSTOM', securityRule: JSON.stringify(def.rule) });
    }
    // The rules are in force for clients: rooms are readable, users are not.
    const db = createCloudClient({ url: cloud.url, openid: 'o' }).database();
    expect((await db.collection('jrtc_rooms').where({}).get()).data).toEqual([]);
    await expect(db.collection('jrtc_users').where({}).get()).rejects.toMatchObject({ errCode: -502003 });

    const second = deploy(keys());
    expect(await second.run()).toBe(0);
    expect(second.out.lines).toContain('  nothing to change: collections, rules and indexes are in place');
    expect(second.ran).toEqual([repoRoot]);
  });

  test('resumes where the env differs: a dropped index and a loosened rule are put back, nothing else is sent', async () => {
    expect(await deploy(keys(), { databaseOnly: true }).run()).toBe(0);
    cloud.catalog.updateIndexes('jrtc_members', [], ['roomKey_1_role_1']);
    cloud.catalog.setPermission('jrtc_users', { permission: 'READONLY' });
    const again = deploy(keys(), { databaseOnly: true });
    expect(await again.run()).toBe(0);
    expect(again.ran).toEqual([]);
    expect(again.out.lines.filter((l) => l.startsWith('  create') || l.startsWith('  set'))).toEqual([
      '  create index jrtc_members.roomKey_1_role_1 (roomKey, role)',
      `  set security rule of jrtc_users: ${JSON.stringify(databaseDefinition.jrtc_users.rule)}`,
    ]);
    expect(cloud.catalog.get('jrtc_users')?.permission).toEqual({ permission: 'CUSTOM', securityRule: JSON.stringify(databaseDefinition.jrtc_users.rule) });
  });

  test('without credentials nothing is sent; with wrong ones the first step is refused, named, and nothing is created', async () => {
    const none = deploy({});
    expect(await none.run()).toBe(1);
    expect(none.out.lines.join('\n')).toMatch(/TENCENTCLOUD_SECRETID/);
    const wrong = deploy({ ...keys(), TENCENTCLOUD_SECRETKEY: 'wrong' });
    expect(await wrong.run()).toBe(1);
    expect(wrong.out.lines.join('\n')).toMatch(/Deploy stopped: .*(AuthFailure\.SignatureFailure)/);
    expect(wrong.ran).toEqual([]);
    expect(none.ran).toEqual([]);
    expect(cloud.catalog.names()).toEqual([]);
  });
});
