/**
 * Real audio for the demo's call, with ffmpeg: a phone's microphone is a tone pushed into its
 * signed push URL at a live pusher's pace, and the other phone's player is ffmpeg pulling the
 * signed pull URL and decoding it. What was heard is measured (seconds, and the tone's pitch from its
 * zero crossings), so the demo prints what each side really heard, not what it hoped for.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';

const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
/** Decoded as mono 16-bit PCM at this rate: plenty for a tone's pitch. */
const RATE = 16_000;

/** What a listener heard. */
export interface Heard {
  seconds: number;
  /** The dominant pitch in Hz (zero crossings ÷ 2 per second); 0 when silent. */
  hz: number;
}

/** True when ffmpeg runs here. */
export function ffmpegUsable(): boolean {
  const r = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return !r.error && r.status === 0;
}

/** A microphone: `hz` for `seconds`, pushed as AAC in FLV to `pushUrl`; kill() stops it early. */
export function speak(pushUrl: string, hz: number, seconds: number): ChildProcess {
  const args = [...QUIET, '-re', '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', pushUrl];
  return spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** A player: pulls `pullUrl` for up to `seconds` of audio (or until `timeoutMs`) and measures it. */
export function listen(pullUrl: string, seconds: number, timeoutMs: number): Promise<Heard> {
  const args = [...QUIET, '-rw_timeout', '8000000', '-i', pullUrl, '-t', String(seconds), '-vn', '-ac', '1', '-ar', String(RATE), '-f', 's16le', 'pipe:1'];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', () => {
      clearTimeout(timer);
      resolve(measure(Buffer.concat(chunks)));
    });
  });
}

/** Seconds and pitch of mono s16le PCM at RATE. */
export function measure(pcm: Buffer): Heard {
  const samples = Math.floor(pcm.length / 2);
  let crossings = 0;
  let loud = 0;
  for (let i = 1; i < samples; i++) {
    const a = pcm.readInt16LE((i - 1) * 2);
    const b = pcm.readInt16LE(i * 2);
    if ((a < 0 && b >= 0) || (a >= 0 && b < 0)) crossings++;
    if (Math.abs(b) > 1000) loud++;
  }
  const seconds = samples / RATE;
  // Silence (or noise at a whisper) has no pitch worth naming.
  const hz = seconds > 0 && loud > samples / 4 ? Math.round(crossings / 2 / seconds) : 0;
  return { seconds: Math.round(seconds * 10) / 10, hz };
}
