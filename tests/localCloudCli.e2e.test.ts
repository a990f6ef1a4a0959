/**
 * The local cloud's command line where a new user trips: `npm start --port N` (npm keeps N for itself,
 * as npm_config_port), a media port already taken (it should name the options that move it), and
 * `--env` values the function would refuse or never read (they passed silently).
 */
import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { runRefusedCloud } from './helpers/cloudProcess';

const cli = path.resolve(__dirname, '..', 'dist', 'cli', 'localCloud.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('npm start --port N: the port npm kept (npm_config_port) is used, and the log says how to pass it directly', async () => {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-npmport-'));
  const child = spawn(process.execPath, [cli, '--data', dataDir, '--no-media', '--no-timers'], { env: { ...process.env, npm_config_port: String(port) } });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/listening on/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toContain(`listening on http://127.0.0.1:${port}`);
    expect(out).toContain(`npm start -- --port ${port}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a taken RTMP port stops the start with a message naming --rtmp-port, --http-port and --no-media', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-busyrtmp-'));
  try {
    const run = spawnSync(process.execPath, [cli, '--port', '0', '--data', dataDir, '--no-timers', '--rtmp-port', String(taken), '--http-port', '0'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`port 127\\.0\\.0\\.1:${taken} is not available`));
    expect(run.stderr).toMatch(/--rtmp-port N \/ --http-port N.*--no-media/);
  } finally {
    await new Promise((r) => blocker.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('--env: a JRTC_ name the function does not read, or a value it would refuse, stops the start and says why', () => {
  const typo = runRefusedCloud(['--env', 'JRTC_LEASE_MSS=60000']);
  expect(typo).toMatchObject({ status: 1, listening: false });
  expect(typo.stderr).toMatch(/--env JRTC_LEASE_MSS: not a variable the jrtc function reads \(it reads .*JRTC_LEASE_MS/);
  const bad = runRefusedCloud(['--env', 'JRTC_LEASE_MS=soon']);
  expect(bad).toMatchObject({ status: 1, listening: false });
  expect(bad.stderr).toMatch(/would refuse this configuration: JRTC_LEASE_MS: /);
});
