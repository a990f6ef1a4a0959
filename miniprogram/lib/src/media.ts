/**
 * Helpers for the page's `<live-pusher>` and `<live-player>`: their events go in, the room restarts
 * what gave up and tells the page who is speaking. Codes from the components' docs: pusher 1002
 * (pushing), 1102 (reconnecting), -1307 (gave up); player -2301 (gave up).
 */
import type { AudioVolume } from './events';

/** A mini program component event (only `detail` is read). */
export interface MediaEvent {
  detail?: { code?: number; message?: string; errMsg?: string; volume?: number };
}

/** Handlers for `<live-pusher bindstatechange bindaudiovolumenotify binderror>`. */
export interface MediaHandlers {
  onStateChange(e: MediaEvent): void;
  onAudioVolumeNotify(e: MediaEvent): void;
  onError(e: MediaEvent): void;
}

/** Tuning of the active speaker. */
export interface SpeakerOptions {
  /** Volume (0-100) from which a member counts as speaking. */
  threshold: number;
  /** How much louder a challenger must be, and how far below the threshold the speaker may drop, before it changes. */
  margin: number;
}

/** The defaults: speaking from volume 20, changes need a margin of 10. */
export const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions = { threshold: 20, margin: 10 };

/**
 * The active speaker after a volume update: the loudest at or above the threshold, with hysteresis so
 * that two similar voices or a pause between words do not make it flicker. `current` keeps the floor
 * while it stays above `threshold - margin` and no one is `margin` louder.
 */
export function pickSpeaker(current: string | null, volumes: Record<string, number>, options: SpeakerOptions = DEFAULT_SPEAKER_OPTIONS): string | null {
  const { threshold, margin } = options;
  let top: string | null = null;
  for (const id of Object.keys(volumes)) if (top === null || volumes[id] > volumes[top]) top = id;
  const held = current !== null ? volumes[current] || 0 : -1;
  const keep = current !== null && held >= threshold - margin;
  if (top !== null && top !== current && volumes[top] >= threshold && (!keep || volumes[top] >= held + margin)) return top;
  return keep ? current : null;
}

/** How long a volume reading counts: a player that stopped reporting is silent. */
export const VOLUME_TTL_MS = 1500;

/** audioVolumes comes at most this often (volume reports arrive several times a second per component). */
export const AUDIO_VOLUMES_INTERVAL_MS = 500;

/**
 * Feeds volumes in and reports speaker changes; readings older than VOLUME_TTL_MS are dropped. With
 * `onVolumes`, everyone's current volume, loudest first, goes there too, at most every
 * AUDIO_VOLUMES_INTERVAL_MS (the same readings: one book for the speaker and the volumes).
 */
export function speakerTracker(
  now: () => number,
  onChange: (userId: string | null) => void,
  options?: SpeakerOptions,
  onVolumes?: (volumes: AudioVolume[]) => void,
): (userId: string, volume: number) => void {
  const readings: Record<string, { volume: number; at: number }> = {};
  let current: string | null = null;
  let reported = -AUDIO_VOLUMES_INTERVAL_MS;
  return (userId, volume) => {
    const t = now();
    readings[userId] = { volume: Number(volume) || 0, at: t };
    const volumes: Record<string, number> = {};
    for (const id of Object.keys(readings)) {
      if (t - readings[id].at > VOLUME_TTL_MS) delete readings[id];
      else volumes[id] = readings[id].volume;
    }
    const next = pickSpeaker(current, volumes, options);
    if (next !== current) onChange((current = next));
    if (onVolumes && t - reported >= AUDIO_VOLUMES_INTERVAL_MS) {
      reported = t;
      onVolumes(Object.keys(volumes).map((id) => ({ userId: id, volume: volumes[id] })).sort((x, y) => y.volume - x.volume));
    }
  };
}

/** The code of a component event. */
export const codeOf = (e: MediaEvent): number => Number(e && e.detail && e.detail.code);
/** The volume of a volume event. */
export const volumeOf = (e: MediaEvent): number => Number(e && e.detail && e.detail.volume) || 0;
