/**
 * `node dist/cli/localCloud.js [--port N] [--data DIR] [--no-timers] [--rtmp-port N] [--http-port N]
 * [--no-media] [--media-provider P] [--db-latency MS] [--function-instances N] [--demo] [--once]`: runs the local cloud, with its media server
 * unless --no-media, until SIGINT/SIGTERM. With --demo it plays the demo class (cli/demo/demo.ts: a
 * teacher and 20 students as SDK clients); with --once as well it exits when the demo ends (status 0
 * when the demo ended as it should).
 */
import path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { MEDIA_PROVIDERS, isMediaProvider } from '../shared/signers';
import type { MediaProvider } from '../shared/signers';
import { ConfigEnv, loadConfig } from '../shared/functionConfig';
import { loadCloudConfig } from '../emulator/cloudConfig';
import { localFunctionEnv } from '../emulator/jrtc/localEnv';
import { defaultRepoRoot, startLocalCloud } from '../emulator/jrtc/localCloud';
import type { LocalCloud } from '../emulator/jrtc/localCloud';
import { CONSOLE_PATH } from '../emulator/jrtc/console/roomConsole';
import { MediaPortError } from '../emulator/jrtc/media/ports';
import { DEFAULT_FUNCTION_INSTANCES, INSTANCE_MEMORY_MIB } from '../emulator/functions/functionsHost';
import { runDemo } from './demo/demo';
import { startLiveClass } from './demo/demoLive';
import type { LiveClass } from './demo/demoLive';

interface CliOptions {
  port: number;
  data: string;
  timers: boolean;
  media: boolean;
  rtmpPort: number;
  httpPort: number;
  mediaProvider?: MediaProvider;
  demo?: boolean;
  journalLimit?: number;
  dbLatency?: number;
  env: Record<string, string>;
  functionInstances: number;
  once?: boolean;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

function parseBytes(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive number of bytes');
  return n;
}

/** A positive integer, as the instances cap must be (FunctionsHost checks it again). */
function parseInstances(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('instances of a function at most: a positive integer, e.g. 256');
  }
  return n;
}

/** What `--help` says of --function-instances: the default and what it costs (measured, functionsHost.ts). */
function instancesHelp(): string {
  const { rss, uss } = INSTANCE_MEMORY_MIB;
  const gib = ((uss * DEFAULT_FUNCTION_INSTANCES) / 1024).toFixed(1);
  return (
    `instances of each function running at once; more calls queue (CloudBase runs up to 1000). ` +
    `An idle warm jrtc instance holds about ${rss} MiB RSS, ${uss} MiB of it its own, so ${DEFAULT_FUNCTION_INSTANCES} ` +
    `instances take about ${gib} GiB; they start only when calls overlap and stop after 5 idle minutes`
  );
}

function parseMs(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('milliseconds from 0 to 60000');
  return n;
}

/** `KEY=VALUE`, added to the variables gathered so far (the option repeats). */
function collectEnv(value: string, previous: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('KEY=VALUE, KEY a variable name');
  return { ...previous, [m[1]]: m[2] };
}

/**
 * Why `--env` values cannot work, or null: a JRTC_ name the function does not read (a typo would
 * otherwise pass silently), or a value its config check refuses (every call would then answer
 * CONFIG_ERROR). Other names pass: they may be meant for code of your own.
 */
function checkEnv(env: Record<string, string>): string | null {
  const known = new Set<string>(Object.values(ConfigEnv));
  const unknown = Object.keys(env).filter((k) => k.startsWith('JRTC_') && !known.has(k));
  if (unknown.length > 0) return `--env ${unknown.join(', ')}: not a variable the jrtc function reads (it reads ${[...known].sort().join(', ')})`;
  const jrtc = loadCloudConfig(defaultRepoRoot()).functions.find((f) => f.name === 'jrtc');
  const loaded = loadConfig({ ...jrtc?.envVariables, ...localFunctionEnv, ...env });
  if (loaded.ok) return null;
  const details = (loaded.error.details as Array<{ variable: string; message: string }> | undefined) ?? [];
  return `--env: the jrtc function would refuse this configuration: ${details.map((d) => `${d.variable}: ${d.message}`).join('; ') || loaded.error.message}`;
}

function parseProvider(value: string): MediaProvider {
  if (!isMediaProvider(value)) throw new InvalidArgumentError(`one of ${MEDIA_PROVIDERS.join(', ')}`);
  return value;
}

async function main(): Promise<void> {
  const program = new Command('jrtc-local-cloud')
    .description('The JRTC local cloud: functions, database, watch and timers on 127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, 8787)
    .option('--data <dir>', 'where the database persists', '.jrtc-data')
    .option('--no-timers', 'do not run timer triggers on their schedule')
    .option('--journal-limit <bytes>', 'fold the commit journal into the collection files at this size (default 8 MiB)', parseBytes)
    .option('--rtmp-port <n>', 'media server RTMP port (0 = any free port)', parsePort, 1935)
    .option('--http-port <n>', 'media server HTTP-FLV port (0 = any free port)', parsePort, 8000)
    .option('--no-media', 'do not run the local media server')
    .option('--media-provider <name>', `URL signing format the function issues and the media server checks (${MEDIA_PROVIDERS.join(', ')})`, parseProvider)
    .option('--db-latency <ms>', 'delay every database request of the functions by this round trip, as the network to CloudBase paces it', parseMs)
    .option('--function-instances <n>', instancesHelp(), parseInstances, DEFAULT_FUNCTION_INSTANCES)
    .option('--env <KEY=VALUE>', "set an environment variable of the functions over cloudbaserc.json's envVariables (repeatable)", collectEnv, {})
    .option('--demo', 'play the demo class: a teacher and 20 students as SDK clients')
    .option('--once', 'with --demo: exit when the demo ends')
    .parse();
  const opts = program.opts<CliOptions>();
  // `npm start --port N` hands N to npm, not to us (npm_config_port): honour it rather than ignore it.
  const npmPort = process.env.npm_config_port;
  if (program.getOptionValueSource('port') === 'default' && npmPort !== undefined && npmPort !== '') {
    try {
      opts.port = parsePort(npmPort);
      console.log(`Using port ${opts.port} from npm's --port (\`npm start -- --port ${opts.port}\` passes it directly).`);
    } catch {
      console.error(`npm's --port ${JSON.stringify(npmPort)} is not a port (0 to 65535)`);
      process.exitCode = 1;
      return;
    }
  }

  const envProblem = checkEnv(opts.env);
  if (envProblem) {
    console.error(`JRTC local cloud not started: ${envProblem}`);
    process.exitCode = 1;
    return;
  }

  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      port: opts.port,
      dataDir: path.resolve(opts.data),
      journalLimitBytes: opts.journalLimit,
      databaseLatencyMs: opts.dbLatency,
      functionInstances: opts.functionInstances,
      timers: opts.timers,
      media: opts.media ? { rtmpPort: opts.rtmpPort, httpPort: opts.httpPort } : false,
      functionEnv: { ...opts.env, ...(opts.mediaProvider ? { JRTC_MEDIA_PROVIDER: opts.mediaProvider } : {}) },
    });
  } catch (err) {
    // A busy media port names the options that move it (node-media-server's defaults are common ports).
    const hint = err instanceof MediaPortError ? ' (move it with --rtmp-port N / --http-port N, 0 = any free port, or start without media: --no-media)' : '';
    console.error(`JRTC local cloud failed to start: ${(err as Error).message}${hint}`);
    process.exitCode = 1;
    return;
  }
  // Printed before the "listening" line, which tests/helpers/cloudProcess.ts waits for.
  if (cloud.media) {
    console.log(`JRTC media server (${cloud.media.provider}) rtmp://127.0.0.1:${cloud.media.rtmpPort} http://127.0.0.1:${cloud.media.httpPort}`);
  }
  console.log(`JRTC local cloud listening on ${cloud.url}`);
  console.log(`  console: ${cloud.url}${CONSOLE_PATH}`);
  const cap = cloud.functions.maxInstances;
  console.log(
    `  functions: ${cloud.functions.names().join(', ') || '(none)'} (up to ${cap} instances each, ` +
      `about ${INSTANCE_MEMORY_MIB.uss} MiB per idle warm instance: ${((cap * INSTANCE_MEMORY_MIB.uss) / 1024).toFixed(1)} GiB if a burst starts them all)`,
  );
  console.log(
    `  database: ${cloud.catalog.names().length} collections, provisioned from shared/database.ts through the management API ` +
      `(${cloud.provisioned.length === 0 ? 'already in place' : `${cloud.provisioned.length} changes applied`})`,
  );
  for (const t of cloud.timers.list()) {
    console.log(`  timer ${t.name} -> ${t.functionName} (${t.cron})${opts.timers ? '' : ' [off]'}`);
  }

  let stopping: Promise<void> | null = null;
  let live: LiveClass | null = null;
  const shutdown = (code: number): Promise<void> =>
    (stopping ??= Promise.resolve(live?.stop()).then(() => cloud.stop()).then(
      // Everything is closed and flushed; exiting explicitly means a stray handle cannot hang the shell.
      () => process.exit(code),
      (err: unknown) => {
        console.error(`stopping failed: ${String(err)}`);
        process.exit(1);
      },
    ));
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  if (opts.demo) {
    try {
      const ok = await runDemo(cloud);
      if (opts.once) await shutdown(ok ? 0 : 1);
      else {
        live = await startLiveClass(cloud, (line) => console.log(line));
        if (live) console.log(`Open ${cloud.url}${CONSOLE_PATH} to see the rooms and hear the teacher.`);
        console.log(`The local cloud keeps running on ${cloud.url} (Ctrl-C to stop).`);
      }
    } catch (err) {
      console.error(`demo failed: ${(err as Error)?.stack ?? String(err)}`);
      if (opts.once) await shutdown(1);
    }
  }
}

void main();
