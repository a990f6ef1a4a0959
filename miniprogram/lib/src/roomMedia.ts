import { ErrorCode } from '../../../shared/errors';
import { JRTCError } from './errors';
import type { Room } from './room';
import { codeOf, speakerTracker, volumeOf } from './media';
import type { MediaEvent, MediaHandlers } from './media';
import { check, isId } from './validate';

/**
 * The room's media helpers, a part of its Room: handlers for the page's `<live-pusher>` and
 * `<live-player>` that restart what gave up (a fresh signed URL) and turn volume reports into
 * `activeSpeakerChanged`.
 */
export class RoomMedia {
  private speaker?: (userId: string, volume: number) => void;

  constructor(private readonly host: Room) {}

  /**
   * Handlers for `<live-pusher bindstatechange bindaudiovolumenotify binderror>`: when the pusher
   * gives up (-1307) a fresh push URL comes as `pushUrlChanged`; your volume feeds `activeSpeakerChanged`
   * and `audioVolumes`.
   */
  pusher(): MediaHandlers {
    return {
      onStateChange: (e) => {
        const code = codeOf(e);
        if (code === 1002) this.host.emit('pusherStateChanged', 'publishing');
        if (code === -1307) {
          this.host.emit('pusherStateChanged', 'restarting');
          this.background(this.host.publish(), (url) => this.host.emit('pushUrlChanged', url));
        }
      },
      onAudioVolumeNotify: (e) => this.feedVolume(this.host.userId, volumeOf(e)),
      onError: (e) => this.mediaError(e),
    };
  }

  /**
   * Handlers for the `<live-player>` of `userId`: when it gives up (-2301) on a stream that plays, a
   * fresh pull URL comes as `pullUrlChanged(userId, url)`; its volume feeds `activeSpeakerChanged` and
   * `audioVolumes`.
   */
  player(userId: string): MediaHandlers {
    check(isId(userId), 'userId');
    return {
      onStateChange: (e) => {
        if (codeOf(e) !== -2301) return;
        this.background(this.host.subscribe({ userIds: [userId] }), (streams) => {
          // An anchor that does not publish yet: restarting now would only give up again; its
          // streamPublished brings the URL to play when it starts.
          if (streams[0] && streams[0].publishing) this.host.emit('pullUrlChanged', userId, streams[0].url);
        });
      },
      onAudioVolumeNotify: (e) => this.feedVolume(userId, volumeOf(e)),
      onError: (e) => this.mediaError(e),
    };
  }

  /** Runs a call in the background: its result goes to `then`, its failure to `error` (unless the room ended). */
  private background<T>(promise: Promise<T>, then: (value: T) => void): void {
    promise.then(then, (err: JRTCError) => {
      if (this.host.currentState !== 'disconnected') this.host.emit('error', err);
    });
  }

  private feedVolume(userId: string, volume: number): void {
    const { timers } = this.host.config;
    this.speaker =
      this.speaker ||
      speakerTracker(
        () => timers.now(),
        (id) => this.host.emit('activeSpeakerChanged', id),
        undefined,
        (list) => this.host.emit('audioVolumes', list),
      );
    this.speaker(userId, volume);
  }

  private mediaError(e: MediaEvent): void {
    const d = (e && e.detail) || {};
    this.host.emit('error', new JRTCError(ErrorCode.NETWORK, String(d.errMsg || d.message || 'media error'), d));
  }
}
