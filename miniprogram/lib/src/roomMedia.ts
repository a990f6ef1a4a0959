import { ErrorCode } from '../../../shared/errors';
import { JRTCError } from './errors';
import { RoomFeed } from './feed';
import { codeOf, speakerTracker, volumeOf } from './media';
import type { MediaEvent, MediaHandlers } from './media';
import { check, isId } from './validate';

/**
 * The room's media helpers: handlers for the page's `<live-pusher>` and `<live-player>` that restart
 * what gave up (a fresh signed URL) and turn volume reports into `activeSpeakerChanged`.
 */
export class RoomMedia extends RoomFeed {
  private speaker?: (userId: string, volume: number) => void;

  /**
   * Handlers for `<live-pusher bindstatechange bindaudiovolumenotify binderror>`: when the pusher
   * gives up (-1307) a fresh push URL comes as `pushUrlChanged`; your volume feeds `activeSpeakerChanged`
   * and `audioVolumes`.
   */
  createPusherHandlers(): MediaHandlers {
    return {
      onStateChange: (e) => {
        const code = codeOf(e);
        if (code === 1002) this.emit('pusherStateChanged', 'publishing');
        if (code === -1307) {
          this.emit('pusherStateChanged', 'restarting');
          this.background(this.publish(), (url) => this.emit('pushUrlChanged', url));
        }
      },
      onAudioVolumeNotify: (e) => this.feedVolume(this.userId, volumeOf(e)),
      onError: (e) => this.mediaError(e),
    };
  }

  /**
   * Handlers for the `<live-player>` of `userId`: when it gives up (-2301) a fresh pull URL comes as
   * `pullUrlChanged(userId, url)`; its volume feeds `activeSpeakerChanged` and `audioVolumes`.
   */
  createPlayerHandlers(userId: string): MediaHandlers {
    check(isId(userId), 'userId');
    return {
      onStateChange: (e) => {
        if (codeOf(e) !== -2301) return;
        this.background(this.subscribe({ userIds: [userId] }), (streams) => {
          if (streams[0]) this.emit('pullUrlChanged', userId, streams[0].url);
        });
      },
      onAudioVolumeNotify: (e) => this.feedVolume(userId, volumeOf(e)),
      onError: (e) => this.mediaError(e),
    };
  }

  /** Runs a call in the background: its result goes to `then`, its failure to `error` (unless the room ended). */
  /** @internal */
  protected background<T>(promise: Promise<T>, then: (value: T) => void): void {
    promise.then(then, (err: JRTCError) => {
      if (this.currentState !== 'disconnected') this.emit('error', err);
    });
  }

  private feedVolume(userId: string, volume: number): void {
    const { timers } = this.config;
    this.speaker =
      this.speaker ||
      speakerTracker(
        () => timers.now(),
        (id) => this.emit('activeSpeakerChanged', id),
        undefined,
        (list) => this.emit('audioVolumes', list),
      );
    this.speaker(userId, volume);
  }

  private mediaError(e: MediaEvent): void {
    const d = (e && e.detail) || {};
    this.emit('error', new JRTCError(ErrorCode.NETWORK, String(d.errMsg || d.message || 'media error'), d));
  }
}
