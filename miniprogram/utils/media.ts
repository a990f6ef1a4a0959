/**
 * Passes `<live-pusher>` / `<live-player>` events to the SDK's media handlers, which restart a
 * pusher that gave up (-1307), fetch a fresh URL for a player that gave up (-2301) and turn volume
 * reports into `activeSpeakerChanged`. The pages bind every media event to one method; `type`
 * (the event's name) picks the handler.
 */
import type { MediaHandlers, Room } from '../lib/jrtc-miniapp.min';

/** A media component's event: its name (`statechange`, `audiovolumenotify`, `error`) and detail. */
export interface MediaEvent {
  type: string;
  detail: { code?: number; message?: string; errMsg?: string; volume?: number };
}

/** Calls the handler for `event.type`; events the SDK has no use for are dropped. */
export function forwardMediaEvent(handlers: MediaHandlers, event: MediaEvent): void {
  if (event.type === 'statechange') handlers.onStateChange(event);
  else if (event.type === 'audiovolumenotify') handlers.onAudioVolumeNotify(event);
  else if (event.type === 'error') handlers.onError(event);
}

/** One room's media handlers: the pusher's, and one set per played anchor (made on first use). */
export class MediaBridge {
  private pusherHandlers?: MediaHandlers;
  private readonly players: Record<string, MediaHandlers> = {};

  constructor(private readonly room: Room) {}

  /** An event of your `<live-pusher>`. */
  pusher(event: MediaEvent): void {
    if (!this.pusherHandlers) this.pusherHandlers = this.room.createPusherHandlers();
    forwardMediaEvent(this.pusherHandlers, event);
  }

  /** An event of the `<live-player>` playing `userId`. */
  player(userId: string, event: MediaEvent): void {
    if (!userId) return;
    if (!this.players[userId]) this.players[userId] = this.room.createPlayerHandlers(userId);
    forwardMediaEvent(this.players[userId], event);
  }
}
