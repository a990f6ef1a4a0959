/**
 * Plays one anchor's HTTP-FLV stream in an <audio> element with mpegts.js (FLV demuxed and remuxed
 * into Media Source Extensions), routed through a WebAudio analyser so the page can show a level
 * meter and the loudest frequency — what a person needs to tell "connected" from "audible".
 */
import mpegts from 'mpegts.js';

/** Where a player stands. */
export type PlayerState = 'loading' | 'playing' | 'error' | 'ended';

/** What the page shows of a player. */
export interface PlayerStats {
  state: PlayerState;
  /** The element's playback position (s). */
  currentTime: number;
  /** Bytes of audio the element decoded (Chromium's webkitAudioDecodedByteCount; 0 elsewhere). */
  decodedBytes: number;
  /** RMS level of the last analyser frame, 0..1. */
  level: number;
  /** The loudest frequency of the last analyser frame (Hz), 0 when silent. */
  peakHz: number;
  /** Why it failed, when state is 'error'. */
  error?: string;
}

/** Below this RMS level the stream counts as silent (no peak frequency reported). */
const SILENCE = 0.005;

/** A live FLV audio player. */
export class StreamPlayer {
  /** The element playing the stream (the page places it). */
  readonly audio: HTMLAudioElement;
  private readonly player: mpegts.Player;
  private readonly analyser: AnalyserNode;
  private readonly source: MediaElementAudioSourceNode;
  private readonly timeData: Float32Array<ArrayBuffer>;
  private readonly freqData: Float32Array<ArrayBuffer>;
  private state: PlayerState = 'loading';
  private error: string | undefined;

  /** Creates the element and the player for `flvUrl`; `context` must have been created in a user gesture. */
  constructor(
    flvUrl: string,
    private readonly context: AudioContext,
  ) {
    this.audio = document.createElement('audio');
    this.audio.controls = true;
    this.audio.preload = 'auto';
    // The FLV header of node-media-server announces video too; we carry audio only.
    this.player = mpegts.createPlayer(
      { type: 'flv', url: flvUrl, isLive: true, hasAudio: true, hasVideo: false },
      { enableWorker: false, enableStashBuffer: false, liveBufferLatencyChasing: true, lazyLoad: false },
    );
    this.player.on(mpegts.Events.ERROR, (type: unknown, detail: unknown) => this.fail(`${String(type)}: ${String(detail)}`));
    this.player.on(mpegts.Events.LOADING_COMPLETE, () => {
      if (this.state !== 'error') this.state = 'ended';
    });
    this.audio.addEventListener('playing', () => {
      if (this.state === 'loading') this.state = 'playing';
    });
    this.source = context.createMediaElementSource(this.audio);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 4096;
    this.source.connect(this.analyser);
    this.analyser.connect(context.destination);
    this.timeData = new Float32Array(this.analyser.fftSize);
    this.freqData = new Float32Array(this.analyser.frequencyBinCount);
  }

  /** True when this browser can play live FLV through MSE. */
  static supported(): boolean {
    return mpegts.isSupported() && mpegts.getFeatureList().mseLivePlayback;
  }

  /** Starts loading and playing; a refused play() (autoplay policy) is reported as an error. */
  async start(): Promise<void> {
    this.player.attachMediaElement(this.audio);
    this.player.load();
    try {
      await this.audio.play();
    } catch (err) {
      this.fail(`play() refused: ${(err as Error).message}`);
    }
  }

  /** The current figures (samples the analyser now). */
  stats(): PlayerStats {
    this.analyser.getFloatTimeDomainData(this.timeData);
    let sum = 0;
    for (const v of this.timeData) sum += v * v;
    const level = Math.sqrt(sum / this.timeData.length);
    let peakHz = 0;
    if (level > SILENCE) {
      this.analyser.getFloatFrequencyData(this.freqData);
      let best = 1; // skip the DC bin
      for (let i = 2; i < this.freqData.length; i += 1) if (this.freqData[i] > this.freqData[best]) best = i;
      peakHz = (best * this.context.sampleRate) / this.analyser.fftSize;
    }
    const decoded = (this.audio as HTMLAudioElement & { webkitAudioDecodedByteCount?: number }).webkitAudioDecodedByteCount;
    return {
      state: this.state,
      currentTime: this.audio.currentTime,
      decodedBytes: typeof decoded === 'number' ? decoded : 0,
      level,
      peakHz,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  /** Marks the stream as ended (its anchor stopped publishing) and stops it. */
  end(): void {
    if (this.state !== 'error') this.state = 'ended';
    this.destroy();
  }

  /** Stops playing and releases the player, the element and the audio nodes. */
  destroy(): void {
    this.player.destroy();
    this.source.disconnect();
    this.analyser.disconnect();
    this.audio.remove();
  }

  private fail(message: string): void {
    this.state = 'error';
    this.error = message;
  }
}
