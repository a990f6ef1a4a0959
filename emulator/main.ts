/**
 * `node dist/emulator/main.js [--port N] [--data DIR] [--no-timers] [--demo] [--once]`:
 * runs the local cloud until SIGINT/SIGTERM. With --demo it plays the scripted room; with --once
 * as well it exits when the demo ends (status 0 when the demo ended as it should).
 */
import path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { startLocalCloud } from './cloud';
import type { LocalCloud } from './cloud';
import { runDemo } from './demo';

interface CliOptions {
  port: number;
  data: string;
  timers: boolean;
  demo?: boolean;
  once?: boolean;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('jrtc-local-cloud')
    .description('The JRTC local cloud: functions, database, watch and timers on 127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, 8787)
    .option('--data <dir>', 'where the database persists', '.jrtc-data')
    .option('--no-timers', 'do not run timer triggers on their schedule')
    .option('--demo', 'play the demo room')
    .option('--once', 'with --demo: exit when the demo ends')
    .parse();
  const opts = program.opts<CliOptions>();

  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({ port: opts.port, dataDir: path.resolve(opts.data), timers: opts.timers });
  } catch (err) {
    console.error(`JRTC local cloud failed to start: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  console.log(`JRTC local cloud listening on ${cloud.url}`);
  console.log(`  functions: ${cloud.functions.names().join(', ') || '(none)'}`);
  for (const t of cloud.timers.list()) {
    console.log(`  timer ${t.name} -> ${t.functionName} (${t.cron})${opts.timers ? '' : ' [off]'}`);
  }

  let stopping: Promise<void> | null = null;
  const shutdown = (code: number): Promise<void> =>
    (stopping ??= cloud.stop().then(
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
    } catch (err) {
      console.error(`demo failed: ${(err as Error)?.stack ?? String(err)}`);
      if (opts.once) await shutdown(1);
    }
  }
}

void main();
