/**
 * Publish → first audio at a listener, through the local media server (the signing gate in front of
 * node-media-server), against the same ffmpeg writing its FLV straight into a pipe: what the server
 * path adds to "a caller starts talking and the other side hears it".
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { APP_ID, call, clientFor, joinParams } from '../fixtures';
import { msSince, p50p99 } from '../stats';

/**
 * The publisher both paths run: a real-time sine, AAC in FLV, as the media tests push it. ffmpeg's
 * own RTMP client leaves Nagle on unless told (`-tcp_nodelay`); librtmp-style pushers set
 * TCP_NODELAY, and a pusher with Nagle on stalls at each handshake step whatever the server does.
 */
function ffmpegTone(output: string, noDelay = true): ChildProcess {
  const tcp = noDelay ? ['-tcp_nodelay', '1'] : [];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=5', '-c:a', 'aac', ...tcp, '-f', 'flv', output];
  return spawn('ffmpeg', args, { stdio: ['ignore', output === 'pipe:1' ? 'pipe' : 'ignore', 'ignore'] });
}

/**
 * Reads an FLV byte stream and says when the first AAC frame arrives: an audio tag (type 8) whose
 * AACPacketType is 1 (raw), not the sequence header, which carries no sound.
 */
export class FirstAudio {
  private pending = Buffer.alloc(0);
  private headerSeen = false;
  heard = false;

  /** Feeds bytes; true once a raw AAC frame has been seen. */
  feed(chunk: Uint8Array): boolean {
    if (this.heard) return true;
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.headerSeen) {
      if (this.pending.length < 13) return false; // 9-byte FLV header + PreviousTagSize0
      this.pending = this.pending.subarray(13);
      this.headerSeen = true;
    }
    while (this.pending.length >= 11) {
      const size = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 11 + size + 4) return false;
      const isAudio = (this.pending[0] & 0x1f) === 8;
      if (isAudio && size >= 2 && this.pending[11] >> 4 === 10 && this.pending[12] === 1) return (this.heard = true);
      this.pending = this.pending.subarray(11 + size + 4);
    }
    return false;
  }
}

/** Kills `child` and waits for it to go (a publisher left running would hold its stream). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Rejects after `ms` naming `what`, so a broken media path fails the run instead of hanging it. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`first audio: timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** ms from starting ffmpeg to the first AAC frame on its stdout. */
async function directSample(): Promise<number> {
  const start = process.hrtime.bigint();
  const child = ffmpegTone('pipe:1', false);
  const reader = new FirstAudio();
  try {
    return await deadline(
      new Promise<number>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => {
          if (reader.feed(c)) resolve(msSince(start));
        });
        child.once('error', reject);
      }),
      15_000,
      'audio on the direct pipe',
    );
  } finally {
    await stop(child);
  }
}

/**
 * ms from starting ffmpeg on an anchor's signed push URL to the first AAC frame at a listener who
 * was already playing the anchor's HTTP-FLV pull URL (as a page's player waits for its anchor).
 */
async function serverSample(cloud: LocalCloud, n: string, noDelay: boolean): Promise<number> {
  const media = cloud.media;
  if (!media) throw new Error('first audio: the bench cloud runs without its media server');
  const room = `first-audio-${n}`;
  const [anchorId, listenerId] = [`fa-anchor-${n}`, `fa-listener-${n}`];
  const anchor = clientFor(cloud, anchorId);
  const listener = clientFor(cloud, listenerId);
  const a = await call(anchor, 'joinRoom', joinParams(room, anchorId, 1));
  const l = await call(listener, 'joinRoom', joinParams(room, listenerId, 2));
  const pub = await call(anchor, 'publish', { appId: APP_ID, userRoomId: room, userId: anchorId, sessionId: a.sessionId });
  const sub = await call(listener, 'subscribe', { appId: APP_ID, userRoomId: room, userId: listenerId, sessionId: l.sessionId });
  const flv = sub.streams.find((s) => s.streamId === pub.streamId)?.urls.flv;
  if (!flv) throw new Error('first audio: subscribe did not list the anchor');

  const abort = new AbortController();
  const reader = new FirstAudio();
  let heard: () => void = () => undefined;
  const audio = new Promise<void>((resolve) => (heard = resolve));
  const res = await fetch(flv, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`first audio: the listener was refused (${res.status})`);
  const body = res.body.getReader();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await body.read();
      if (done) return;
      if (reader.feed(value)) heard();
    }
  })().catch(() => undefined);
  const path = new URL(flv).pathname.replace(/\.flv$/, ''); // the stream's "/app/stream"
  const attached = async (): Promise<void> => {
    for (;;) {
      const info = media.getInfo() as { streams?: Array<{ path: string; players: number }> };
      if ((info.streams ?? []).some((s) => s.path === path && s.players >= 1)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await deadline(attached(), 10_000, 'the listener to attach');

  const start = process.hrtime.bigint();
  const child = ffmpegTone(pub.pushUrl, noDelay);
  try {
    await deadline(audio, 15_000, 'audio at the listener');
    return msSince(start);
  } finally {
    abort.abort();
    await reading;
    await stop(child);
  }
}

/**
 * `samples` of each path, in turn (after one discarded warm-up: the first ffmpeg start reads its
 * binary and libraries from disk): the pipe, the server with a TCP_NODELAY publisher (the figure),
 * and the server with ffmpeg's default Nagle publisher (for information). The ratios are of p50s.
 */
export async function measureFirstAudio(cloud: LocalCloud, samples: number, tick: () => void) {
  await directSample();
  await serverSample(cloud, 'warm', true);
  const direct: number[] = [];
  const server: number[] = [];
  const nagle: number[] = [];
  for (let i = 0; i < samples; i++) {
    direct.push(await directSample());
    server.push(await serverSample(cloud, `${i}`, true));
    nagle.push(await serverSample(cloud, `${i}-nagle`, false));
    tick();
  }
  const [d, s, n] = [p50p99(direct), p50p99(server), p50p99(nagle)];
  return { direct: d, server: s, naglePublisher: n, ratioP50: s.p50 / d.p50, nagleRatioP50: n.p50 / d.p50, samples };
}
