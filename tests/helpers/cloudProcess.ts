import { ChildProcess, spawn, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { MediaProvider } from '../../shared/signers';

const repoRoot = path.resolve(__dirname, '..', '..');
const mainJs = path.join(repoRoot, 'dist', 'cli', 'localCloud.js');

/** A local cloud running in its own process, as `npm start` runs it. */
export interface CloudProcess {
  url: string;
  /** The cloud's process id (its function instances are its child processes). */
  pid: number;
  dataDir: string;
  /** The media server's ports, when started with `media`. */
  media: { rtmpPort: number; httpPort: number } | null;
  /** Graceful stop (SIGTERM), waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL, waits for exit: no chance to flush anything. */
  kill(): Promise<void>;
  /** Moves the emulator's clock forward. */
  advanceClock(ms: number): Promise<void>;
  /** Runs a timer trigger now (e.g. 'jrtcSweep'). */
  fireTimer(name: string): Promise<unknown>;
  /** GET /v1/admin/info: each service's facts (e.g. `media.streams`). */
  info(): Promise<Record<string, unknown>>;
  /** Everything the process printed to stdout so far (the startup lines among it). */
  output(): string;
}

/** Options of startCloudProcess. */
export interface CloudProcessOptions {
  dataDir?: string;
  timers?: boolean;
  /** Run the media server on free ports (default: off), optionally with another signing provider. */
  media?: boolean | { provider: MediaProvider };
  /** Node options for the cloud process, before the script (e.g. `['-r', preload]`). */
  nodeArgs?: string[];
  /** More options of dist/cli/localCloud.js (e.g. `['--journal-limit', '4096']`). */
  args?: string[];
}

/**
 * Starts `dist/cli/localCloud.js` on a free port with its own data dir (a fresh temp dir unless given)
 * and resolves once it prints where it listens. Without `media` it runs no media server.
 */
export async function startCloudProcess(options: CloudProcessOptions = {}): Promise<CloudProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-it-'));
  const args = [...(options.nodeArgs ?? []), mainJs, '--port', '0', '--data', dataDir];
  args.push(...(options.args ?? []));
  if (!options.timers) args.push('--no-timers');
  if (!options.media) args.push('--no-media');
  else args.push('--rtmp-port', '0', '--http-port', '0');
  if (typeof options.media === 'object') args.push('--media-provider', options.media.provider);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const { url, out } = await waitForUrl(child);
  const m = /media server \([^)]*\) rtmp:\/\/127\.0\.0\.1:(\d+) http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
  const media = m ? { rtmpPort: Number(m[1]), httpPort: Number(m[2]) } : null;
  if (options.media && !media) throw new Error(`local cloud started without its media server:\n${out}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const post = async (route: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${route} failed: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    pid: child.pid as number,
    dataDir,
    media,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async advanceClock(ms: number) {
      await post('/v1/admin/clock', { advanceMs: ms });
    },
    async fireTimer(name: string) {
      return post(`/v1/admin/timers/${encodeURIComponent(name)}`, {});
    },
    output: () => stdout,
    async info() {
      const res = await fetch(`${url}/v1/admin/info`);
      if (!res.ok) throw new Error(`/v1/admin/info failed: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    },
  };
}

function waitForUrl(child: ChildProcess): Promise<{ url: string; out: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`local cloud did not start:\n${out}\n${err}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], out });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (process.env.DEBUG_CLOUD) process.stderr.write(chunk);
    });
    if (process.env.DEBUG_CLOUD) child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local cloud exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/**
 * Runs `dist/cli/localCloud.js` with `args` on a free port and a fresh temp data dir (removed after),
 * no media, no timers, and waits for it to exit: for options that must stop it before it starts.
 */
export function runRefusedCloud(args: string[]): { status: number | null; stdout: string; stderr: string; listening: boolean } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-refused-'));
  try {
    const run = spawnSync(process.execPath, [mainJs, '--port', '0', '--data', dataDir, '--no-media', '--no-timers', ...args], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, listening: /listening on/.test(run.stdout) };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
