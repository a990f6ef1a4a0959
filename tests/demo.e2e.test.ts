/**
 * `npm run demo` end to end: the built local cloud plays the class (a teacher and 20 students as SDK
 * clients) in a child process, as `node dist/cli/localCloud.js --demo --once` does, and must exit 0
 * with the key moments of the class in its output. Output is piped, so the demo prints plain lines.
 * The clients hear roster, role and stream events as JRTC names them (UserJoinedRoom, ...), on the
 * client; hands and invitations on the Room. After the class, one customer-service call rings, is
 * answered and hung up.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const repoRoot = path.resolve(__dirname, '..');
const mainJs = path.join(repoRoot, 'dist', 'cli', 'localCloud.js');
/** Real time the child may take before it is killed (the class itself takes a few seconds). */
const BOUND_MS = 90_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo once in a child process, killed after BOUND_MS. */
function runDemoProcess(dataDir: string): Promise<Run> {
  const args = [mainJs, '--demo', '--once', '--port', '0', '--data', dataDir, '--no-media'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained; 'close' follows once they are.
      child.once('close', () => resolve({ code, signal, stdout, stderr }));
    });
  });
}

describe('npm run demo (localCloud.js --demo --once)', () => {
  let dataDir: string;
  let run: Run;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-demo-'));
    run = await runDemoProcess(dataDir);
  }, BOUND_MS + 10_000);

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 0 after a scenario that ended as expected', () => {
    const report = `exit ${run.code} ${run.signal ?? ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect({ code: run.code, ok: /Scenario OK/.test(run.stdout) }).toEqual({ code: 0, ok: true });
    expect(run.stdout).not.toMatch(/Scenario FAILED/);
    expect(report).not.toMatch(/^\s+! /m);
  });

  it('prints plain lines (no terminal redraws) when stdout is not a terminal', () => {
    expect(run.stdout).not.toMatch(/\x1B\[/);
    expect(run.stdout).toMatch(/^\[ 1\/\d+\] The teacher joins as anchor$/m);
  });

  it('names the key events of the class', () => {
    const out = run.stdout;
    // 20 students joined, each reported to the teacher once (the client's JRTC events).
    expect(out).toMatch(/20 students joined: the teacher heard UserJoinedRoom x20, counts 1\/20/);
    for (let n = 1; n <= 20; n++) {
      const id = `student-${String(n).padStart(2, '0')}`;
      expect(out.split('\n').filter((l) => l.trim() === `teacher hears UserJoinedRoom(${id})`)).toHaveLength(1);
    }
    // Raised hands, the invitation and the stage.
    for (const id of ['student-03', 'student-07', 'student-12']) expect(out).toContain(`teacher hears handRaised(${id})`);
    expect(out).toContain('student-03 hears invited');
    expect(out).toContain('student-03 heard invited, took the stage with setRole(1) and publishes');
    expect(out).toContain('teacher hears StreamPublished(student-03)');
    expect(out).toContain('teacher hears UserModifyRole(student-07) 2->1');
    expect(out).toContain('teacher hears UserModifyRole(student-07) 1->2');
    // The client's setRole rejects with a JRTCFailure: our code and JRTC's.
    expect(out).toMatch(/tried setRole\(1\) uninvited: ROLE_FORBIDDEN \(JRTC 401\)/);
    // A student leaves, the killed one is swept as a ghost.
    expect(out).toContain('teacher hears UserLeavedRoom(student-12)');
    expect(out).toMatch(/ghost student-20 swept after the cloud clock moved \d+(\.\d+)? s/);
    // Counts exact, then an empty room.
    expect(out).toMatch(/counts exact: 2 anchors \(student-03, teacher\), 17 audience/);
    expect(out).toContain('room empty: 0 anchors, 0 audience, 0 member documents');
  });

  it('then plays one customer-service call: ring, answer, hang up, each call event heard once', () => {
    const out = run.stdout;
    const order = [
      /^ {2}call \S+: agent joined, customer ringing \(call ringing\)$/m,
      /^ {2}customer hears CallInvited from agent: ringing, "order 42"$/m,
      /^ {2}agent and customer hear CallAccepted: call active in room demo-call \(2 members\)$/m,
      // --no-media: the call's room is live, without audio (the media path: tests/sdk with ffmpeg).
      /^ {2}talk: no audio here \(the media server is off\); the call's room is live$/m,
      /^ {2}agent and customer hear CallEnded: hangup \(each call event once\)$/m,
      /^ {2}customer's record: agent → customer, ended, hangup, talked \d+\.\d s$/m,
    ].map((re) => {
      const found = re.exec(out);
      expect([re.source, found !== null]).toEqual([re.source, true]);
      return found ? found.index : -1;
    });
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out).toMatch(/^\[\d+\/\d+\] The customer answers$/m);
  });

  it('runs again on the same data dir in the same room, which it leaves empty again (no room left behind per run)', async () => {
    const again = await runDemoProcess(dataDir);
    expect({ code: again.code, ok: /Scenario OK/.test(again.stdout) }).toEqual({ code: 0, ok: true });
    const roomOf = (out: string): string | undefined => /teacher joined (\S+) as anchor/.exec(out)?.[1];
    expect(roomOf(run.stdout)).toBe('demo-app:demo-class');
    expect(roomOf(again.stdout)).toBe('demo-app:demo-class');
  }, BOUND_MS + 10_000);
});
