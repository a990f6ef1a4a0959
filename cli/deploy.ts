/**
 * `npm run deploy [-- --dry-run] [--database-only] [--mode M]`: provisions a CloudBase env as code.
 * First the database (collections, security rules and indexes of shared/database.ts, through
 * @cloudbase/manager-node: shared/provision/database.ts), so that no function or timer ever runs against
 * a collection that does not exist yet; then the functions and the timer trigger of
 * cloudbaserc.json (`tcb fn deploy --all --force --yes`, which deploys each function's triggers with
 * it and fills `{{env.X}}` from .env as the local cloud does). Every step is idempotent: a second
 * run changes nothing in the database and redeploys the same code.
 *
 * `--dry-run` prints the whole plan and exits: offline, no credentials read, nothing sent.
 * Credentials come from .env (gitignored) or the shell: ENV_ID, TENCENTCLOUD_SECRETID,
 * TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for a temporary key); the tcb CLI uses
 * its own login (`npx tcb login`). `TCB_BASE_URL` redirects manager-node (tests point it at the
 * local cloud's management API).
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { Command } from 'commander';
import { loadCloudConfig, loadDotEnv } from '../emulator/cloudConfig';
import { databaseDefinition, type DatabaseDefinition } from '../shared/database';
import { ProvisionError, provisionDatabase } from '../shared/provision/database';
import { describeStep, planDatabase, planFunctions } from '../shared/provision/plan';

/** What one deploy is asked to do. */
export interface DeployOptions {
  /** The folder holding cloudbaserc.json and .env. */
  repoRoot: string;
  dryRun: boolean;
  /** Provision the database only (no `tcb fn deploy`). */
  databaseOnly: boolean;
  /** As the tcb CLI's `--mode`: `.env.<mode>` is read too. */
  mode?: string;
  /** Variables over .env (default: this process's env). */
  env?: Record<string, string | undefined>;
  database?: DatabaseDefinition;
  /** Runs `tcb fn deploy --all --force --yes` in repoRoot; resolves its exit status (default: spawns the tcb CLI). */
  deployFunctions?: (repoRoot: string) => number;
  log?: (line: string) => void;
}

function spawnTcb(repoRoot: string): number {
  const bin = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tcb.cmd' : 'tcb');
  const run = spawnSync(bin, ['fn', 'deploy', '--all', '--force', '--yes'], { cwd: repoRoot, stdio: 'inherit' });
  return run.status ?? 1;
}

/** Runs one deploy; resolves the process exit status (0 = done). */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const database = options.database ?? databaseDefinition;
  const config = loadCloudConfig(options.repoRoot, { mode: options.mode });
  const functionSteps = options.databaseOnly ? [] : planFunctions(config.functions.map((f) => ({ name: f.name, triggers: config.timers.filter((t) => t.functionName === f.name).map((t) => ({ name: t.name, type: 'timer', config: t.cron })) })));

  if (options.dryRun) {
    log(`Plan for env ${config.envId === 'local' ? '(ENV_ID from .env)' : config.envId} (dry run: nothing is read from or sent to the env; each step is skipped at deploy time if already in place):`);
    for (const step of [...planDatabase(database, null), ...functionSteps]) log(`  ${describeStep(step)}`);
    return 0;
  }

  const vars = { ...loadDotEnv(options.repoRoot, options.mode), ...(options.env ?? process.env) };
  // cloudbaserc.json's envId is `{{env.ENV_ID}}`: the same variable, read the same way.
  const envId = vars.ENV_ID;
  const secretId = vars.TENCENTCLOUD_SECRETID;
  const secretKey = vars.TENCENTCLOUD_SECRETKEY;
  if (!envId || !secretId || !secretKey) {
    log('Not deployed: set ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY in .env (see .env.example), or run with --dry-run to see the plan.');
    return 1;
  }
  log(`Provisioning the database of env ${envId}:`);
  try {
    const { applied } = await provisionDatabase(
      { envId, secretId, secretKey, token: vars.TENCENTCLOUD_SESSIONTOKEN || undefined, baseUrl: vars.TCB_BASE_URL || undefined },
      database,
      log,
    );
    log(applied.length === 0 ? '  nothing to change: collections, rules and indexes are in place' : `  ${applied.length} change(s) applied`);
  } catch (err) {
    log(err instanceof ProvisionError ? `Deploy stopped: ${err.message}` : `Deploy stopped: ${(err as Error).message}`);
    return 1;
  }
  if (options.databaseOnly) return 0;
  log('Deploying the functions and their timer triggers (tcb fn deploy --all --force --yes):');
  const status = (options.deployFunctions ?? spawnTcb)(options.repoRoot);
  if (status !== 0) log(`Deploy stopped: tcb fn deploy exited with ${status}`);
  return status;
}

// Run as a program (dist/cli/deploy.js), not when a test imports runDeploy.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const program = new Command()
    .name('deploy')
    .description('provision a CloudBase env: collections, rules and indexes, then functions and the timer')
    .option('--dry-run', 'print the plan and exit (offline, no credentials)', false)
    .option('--database-only', 'provision collections, rules and indexes only', false)
    .option('--mode <mode>', 'also read .env.<mode>, as the tcb CLI does')
    .parse();
  const opts = program.opts<{ dryRun: boolean; databaseOnly: boolean; mode?: string }>();
  const repoRoot = path.resolve(__dirname, '..', '..');
  void runDeploy({ repoRoot, dryRun: opts.dryRun, databaseOnly: opts.databaseOnly, mode: opts.mode }).then((code) => {
    process.exitCode = code;
  });
}
