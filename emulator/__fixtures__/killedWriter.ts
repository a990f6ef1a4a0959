/**
 * A store writer killed with SIGKILL: for the tests that check what survives a crash. The store is
 * bundled, a child process opens it on `dir` and runs `writes` (the body of `async (store, i) =>`)
 * for i = 0, 1, 2, ..., printing one line after each acknowledged round; it is killed once `killAfter`
 * rounds were acknowledged.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';

/** Runs the writer until it is killed; resolves with the last round it acknowledged. */
export async function runKilledWriter(dir: string, writes: string, killAfter: number): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-writer-'));
  try {
    const bundle = path.join(work, 'store.js');
    esbuild.buildSync({
      entryPoints: [path.join(__dirname, '..', 'store', 'store.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      logLevel: 'silent',
    });
    const script = path.join(work, 'writer.js');
    fs.writeFileSync(
      script,
      `const { DocumentStore } = require(${JSON.stringify(bundle)});
      const round = async (store, i) => { ${writes} };
      (async () => {
        const store = await DocumentStore.open({ dir: ${JSON.stringify(dir)} });
        for (let i = 0; ; i += 1) {
          await round(store, i);
          process.stdout.write('ack ' + i + '\\n');
        }
      })();`,
    );
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lastAck = -1;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) lastAck = Number(line.slice(4));
        if (lastAck >= killAfter && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    return lastAck;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
