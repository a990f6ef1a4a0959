/**
 * Runs a script in a child process with the real wx-server-sdk pointed at a local cloud (sdkEnv.ts)
 * and no network beyond loopback (tests/fixtures/noNetwork.js), and resolves its one answer.
 */
import { fork } from 'child_process';
import path from 'path';
import type { LocalCloud } from '../../jrtc/localCloud';
import { wxServerSdkEnv } from '../sdkEnv';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const noNetwork = path.join(repoRoot, 'tests', 'fixtures', 'noNetwork.js');

/** What a child answers: its result or error, and every non-loopback connection it tried. */
export interface ChildAnswer {
  result?: unknown;
  error?: string;
  networkAttempts: string[] | null;
}

/** Forks `script` with the SDK env, sends it `message`, resolves its one answer. */
export function runSdkChild(cloud: LocalCloud, script: string, message: string, extraEnv: Record<string, string> = {}): Promise<ChildAnswer> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '', ...wxServerSdkEnv({ adminUrl: cloud.adminUrl, envId: cloud.envId }), ...extraEnv },
      execArgv: ['-r', noNetwork],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let answer: ChildAnswer | null = null;
    child.on('message', (m) => (answer = m as ChildAnswer));
    child.on('error', reject);
    child.on('exit', (code) => (answer ? resolve(answer) : reject(new Error(`child exited ${code} without answering: ${stderr}`))));
    child.send(message);
  });
}
