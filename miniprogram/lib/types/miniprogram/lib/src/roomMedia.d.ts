import { RoomFeed } from './feed';
import type { MediaHandlers } from './media';
/**
 * The room's media helpers: handlers for the page's `<live-pusher>` and `<live-player>` that restart
 * what gave up (a fresh signed URL) and turn volume reports into `activeSpeakerChanged`.
 */
export declare class RoomMedia extends RoomFeed {
    private speaker?;
    /**
     * Handlers for `<live-pusher bindstatechange bindaudiovolumenotify binderror>`: when the pusher
     * gives up (-1307) a fresh push URL comes as `pushUrlChanged`; your volume feeds `activeSpeakerChanged`.
     */
    createPusherHandlers(): MediaHandlers;
    /**
     * Handlers for the `<live-player>` of `userId`: when it gives up (-2301) a fresh pull URL comes as
     * `pullUrlChanged(userId, url)`; its volume feeds `activeSpeakerChanged`.
     */
    createPlayerHandlers(userId: string): MediaHandlers;
    private feedVolume;
    private mediaError;
}
