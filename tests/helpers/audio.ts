/** Audio checks for the media tests: a tone's frequency from a WAV file, and audio tags on an FLV stream. */
import fs from 'fs';

/** The 16-bit mono PCM samples and rate of a WAV file (the "data" chunk located by walking chunks). */
export function readWav(file: string): { rate: number; samples: Int16Array } {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let rate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (buf.readUInt16LE(body + 2) !== 1 || buf.readUInt16LE(body + 14) !== 16) throw new Error('expected mono 16-bit PCM');
      rate = buf.readUInt32LE(body + 4);
    }
    if (id === 'data') {
      const end = Math.min(buf.length, body + size);
      const samples = new Int16Array(buf.buffer.slice(buf.byteOffset + body, buf.byteOffset + end - ((end - body) % 2)));
      return { rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

/**
 * The dominant frequency of a tone, from upward zero crossings (with hysteresis, so noise around
 * zero does not count twice), skipping `trimSeconds` at each end (encoder priming, cut-off).
 */
export function toneFrequency(rate: number, samples: Int16Array, trimSeconds = 0.3): number {
  const from = Math.floor(rate * trimSeconds);
  const to = samples.length - from;
  if (to - from < rate * 0.5) throw new Error(`too little audio: ${samples.length} samples at ${rate} Hz`);
  const threshold = 500;
  let armed = false;
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = from; i < to; i += 1) {
    const v = samples[i];
    if (v < -threshold) armed = true;
    else if (armed && v >= 0) {
      armed = false;
      if (first < 0) first = i;
      else crossings += 1;
      last = i;
    }
  }
  if (crossings < 10) return 0;
  return (crossings * rate) / (last - first);
}

/** Counts the audio tags an HTTP-FLV stream delivers while it is open. */
export class FlvAudioCounter {
  /** Audio tags seen (the AAC sequence header counts too). */
  audioTags = 0;
  private pending = Buffer.alloc(0);
  private headerSeen = false;
  private readonly abort = new AbortController();
  private reading: Promise<void> = Promise.resolve();

  /** The HTTP status of the request (200 when the server accepted the play). */
  status = 0;

  private constructor() {}

  /** Opens `url`; the returned counter reads in the background until `close()`. */
  static async open(url: string): Promise<FlvAudioCounter> {
    const counter = new FlvAudioCounter();
    const res = await fetch(url, { signal: counter.abort.signal });
    counter.status = res.status;
    if (res.ok && res.body) counter.reading = counter.read(res.body.getReader());
    else await res.body?.cancel();
    return counter;
  }

  /** Stops reading and waits for the reader to settle. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.reading.catch(() => undefined);
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.feed(Buffer.from(value));
    }
  }

  private feed(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.headerSeen) {
      if (this.pending.length < 13) return; // 9-byte FLV header + PreviousTagSize0
      this.pending = this.pending.subarray(13);
      this.headerSeen = true;
    }
    while (this.pending.length >= 11) {
      const size = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 11 + size + 4) return;
      if ((this.pending[0] & 0x1f) === 8) this.audioTags += 1;
      this.pending = this.pending.subarray(11 + size + 4);
    }
  }
}
