/**
 * ffmpeg / ffprobe for the media tests: every process is tracked and bounded in time, so a test can
 * kill whatever is left in afterEach.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';

/** What to run when ffmpeg is missing: the tests fail with it instead of being skipped. */
export const FFMPEG_HINT = 'the media tests need ffmpeg and ffprobe: apt-get install -y ffmpeg';

/** Throws (naming `apt-get install ffmpeg`) unless ffmpeg and ffprobe run. */
export function requireFfmpeg(): void {
  for (const bin of ['ffmpeg', 'ffprobe']) {
    const r = spawnSync(bin, ['-version'], { stdio: 'ignore', timeout: 10_000 });
    if (r.error || r.status !== 0) throw new Error(`${bin} is not usable (${r.error?.message ?? `exit ${r.status}`}); ${FFMPEG_HINT}`);
  }
}

/** How a process ended; `timedOut` when we had to kill it. */
export interface RunResult {
  code: number | null;
  stderr: string;
  stdout: Buffer;
  timedOut: boolean;
}

/** A running process and its (bounded) outcome. */
export interface Running {
  child: ChildProcess;
  done: Promise<RunResult>;
  /** True once the process has exited. */
  exited(): boolean;
}

const running = new Set<ChildProcess>();

/** Starts `bin args`, killed with SIGKILL after `timeoutMs`. */
export function start(bin: string, args: string[], timeoutMs: number): Running {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  const out: Buffer[] = [];
  let timedOut = false;
  let exited = false;
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<RunResult>((resolve) => {
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      running.delete(child);
      exited = true;
      resolve({ code, stderr, stdout: Buffer.concat(out), timedOut });
    };
    child.once('error', (err) => {
      stderr += String(err);
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
  return { child, done, exited: () => exited };
}

/** Kills every process still running (afterEach). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

/** Pushes a `frequency` Hz sine for `seconds` in real time (-re), AAC in FLV, to an RTMP URL. */
export function pushTone(url: string, seconds: number, frequency = 440): Running {
  return start(
    'ffmpeg',
    [...QUIET, '-re', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-c:a', 'aac', '-f', 'flv', url],
    (seconds + 15) * 1000,
  );
}

/**
 * Pulls `seconds` of audio from an RTMP or HTTP-FLV URL into `file` (FLV, AAC copied as received).
 * A read that stalls for 8 s ends the pull. Probing stops after 1 s of media: the FLV header
 * node-media-server sends announces video too, and ffmpeg would otherwise wait for it.
 */
export function pullAudio(url: string, file: string, seconds: number): Running {
  return start(
    'ffmpeg',
    [...QUIET, '-y', '-rw_timeout', '8000000', '-analyzeduration', '1000000', '-i', url, '-t', String(seconds), '-vn', '-c:a', 'copy', '-f', 'flv', file],
    (seconds + 25) * 1000,
  );
}

/** Decodes `input` to a mono 16-bit 44.1 kHz WAV file. */
export async function decodeToWav(input: string, wav: string): Promise<RunResult> {
  return start('ffmpeg', [...QUIET, '-y', '-i', input, '-ac', '1', '-ar', '44100', '-c:a', 'pcm_s16le', wav], 20_000).done;
}

/** What ffprobe says about a file. */
export interface Probe {
  codecs: string[];
  durationSeconds: number;
}

/** ffprobe's stream codecs and container duration of `file`. */
export async function probe(file: string): Promise<Probe> {
  const r = await start(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file],
    20_000,
  ).done;
  if (r.code !== 0) throw new Error(`ffprobe ${file} failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout.toString()) as { streams?: { codec_name?: string }[]; format?: { duration?: string } };
  return {
    codecs: (json.streams ?? []).map((s) => String(s.codec_name)),
    durationSeconds: Number(json.format?.duration ?? NaN),
  };
}
