import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..');
const mainJs = path.join(repoRoot, 'dist', 'emulator', 'main.js');

/** A local cloud running in its own process, as `npm start` runs it. */
export interface CloudProcess {
  url: string;
  dataDir: string;
  /** Graceful stop (SIGTERM), waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL, waits for exit: no chance to flush anything. */
  kill(): Promise<void>;
  /** Moves the emulator's clock forward. */
  advanceClock(ms: number): Promise<void>;
  /** Runs a timer trigger now (e.g. 'jrtcSweep'). */
  fireTimer(name: string): Promise<unknown>;
}

/**
 * Starts `dist/emulator/main.js` on a free port with its own data dir (a fresh temp dir unless given)
 * and resolves once it prints where it listens.
 */
export async function startCloudProcess(options: { dataDir?: string; timers?: boolean } = {}): Promise<CloudProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-it-'));
  const args = [mainJs, '--port', '0', '--data', dataDir];
  if (!options.timers) args.push('--no-timers');
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child);
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
    dataDir,
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
  };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`local cloud did not start:\n${out}\n${err}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local cloud exited with ${code}:\n${out}\n${err}`));
    });
  });
}
