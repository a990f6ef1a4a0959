/**
 * Helpers for the page's `<live-pusher>` and `<live-player>`: their events go in, the room restarts
 * what gave up and tells the page who is speaking. Codes from the components' docs: pusher 1002
 * (pushing), 1102 (reconnecting), -1307 (gave up); player -2301 (gave up).
 */
/** A mini program component event (only `detail` is read). */
export interface MediaEvent {
    detail?: {
        code?: number;
        message?: string;
        errMsg?: string;
        volume?: number;
    };
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
export declare const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions;
/**
 * The active speaker after a volume update: the loudest at or above the threshold, with hysteresis so
 * that two similar voices or a pause between words do not make it flicker. `current` keeps the floor
 * while it stays above `threshold - margin` and no one is `margin` louder.
 */
export declare function pickSpeaker(current: string | null, volumes: Record<string, number>, options?: SpeakerOptions): string | null;
/** How long a volume reading counts: a player that stopped reporting is silent. */
export declare const VOLUME_TTL_MS = 1500;
/** Feeds volumes in and reports speaker changes; readings older than VOLUME_TTL_MS are dropped. */
export declare function speakerTracker(now: () => number, onChange: (userId: string | null) => void, options?: SpeakerOptions): (userId: string, volume: number) => void;
/** The code of a component event. */
export declare const codeOf: (e: MediaEvent) => number;
/** The volume of a volume event. */
export declare const volumeOf: (e: MediaEvent) => number;
