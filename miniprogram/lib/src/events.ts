import type { ActionResponse } from '../../../shared/actions';
import type { Member, MemberCount } from '../../../shared/common';
import type { ErrorCode } from '../../../shared/errors';
import type { Role } from '../../../shared/constants';
import type { JRTCError } from './errors';

/** One publishing anchor's pull URLs, as subscribe returns them. */
export type PullStream = ActionResponse<'subscribe'>['streams'][number];

/** Where the room's link to the cloud stands. `disconnected` is final: join again for a new room. */
export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected';

/**
 * Why the state changed: LEFT (leaveRoom), DESTROYED (client.destroy), or a protocol code — the
 * server's (NOT_IN_ROOM when swept, SESSION_REPLACED by a join on another device, KICKED) or the
 * client's (NETWORK, TIMEOUT while reconnecting; NETWORK when the retry policy gave up).
 */
export type ConnectionReason = ErrorCode | 'LEFT' | 'DESTROYED';

/**
 * The room's events. The live roster is the stage: every client watches the anchors and the room
 * document (never the whole audience, which CloudBase could not watch past 5,000 members); the
 * audience is in `countsChanged` and `getAudienceList`. With `rosterScope: 'all'` the roster is
 * everyone (small rooms only).
 */
export interface RoomEventCallbacks {
  /**
   * Another member is on the roster: fires for each one present when you join and each one who comes
   * later. Never twice for the same seat, also across reconnects.
   */
  memberJoined: (member: Member) => void;
  /** Another member left the roster (left the room, or was swept or kicked). */
  memberLeft: (member: Member) => void;
  /**
   * A member's role changed (you included: compare `member.userId` with `room.userId`). With the
   * anchors-only roster a promoted member appears through this event, not memberJoined; a role change
   * made while the watch was down shows as memberJoined / memberLeft.
   */
  roleChanged: (member: Member, previousRole: Role) => void;
  /**
   * A member on the roster changed and is still on it (you included): its mutes (`stream.muted`,
   * `selfMuted`, `adminMuted`), raised hand, invitation, nickname, stream or role. Once per change,
   * also across reconnects; the specific events (roleChanged, streamPublished, ...) fire as well.
   */
  memberUpdated: (member: Member, previous: Member) => void;
  /** The roster was (re)loaded from a fresh watch snapshot: `members` is complete, your own entry included. */
  rosterSynced: () => void;
  /**
   * Another member started publishing (also each one publishing when you join); `stream.url` is the
   * signed pull URL for `<live-player>`: bind it, restarting a player of that member that gave up.
   */
  streamPublished: (member: Member, stream: PullStream) => void;
  /** A stream announced by streamPublished stopped (unpublished, demoted, or its member left). */
  streamUnpublished: (member: Member) => void;
  /** The room's anchor or audience count changed. */
  countsChanged: (counts: MemberCount) => void;
  /**
   * The room has a new owner (`room.ownerUserId`): handed on (transferOwnership), or taken over by a
   * member who joined with an owner grant (issueToken `owner: true`). Once per change.
   */
  ownerChanged: (ownerUserId: string) => void;
  /** The connection state changed (only on a real change). */
  connectionStateChanged: (state: ConnectionState, reason?: ConnectionReason) => void;
  /**
   * The session's token expires at `expiresAt` (ms), `tokenWillExpireLeadMs` from now: get a fresh
   * one from your server and pass it to `renewToken`. Follows the server's word (heartbeats).
   */
  tokenWillExpire: (expiresAt: number) => void;
  /** Something failed in the background (for example fetching a pull URL for streamPublished). */
  error: (error: JRTCError) => void;
  /** (Anchors) A member raised its hand (also each hand already up when you take the stage). */
  handRaised: (member: Member) => void;
  /** (Anchors) A raised hand went down (lowered, taken on stage, or its member left). */
  handLowered: (member: Member) => void;
  /** The owner invited you on stage: `setRole(1)` to go up. */
  invited: () => void;
  /** The owner removed you (`reason` as it gave it); the state is already `disconnected` with KICKED. */
  kicked: (reason?: string) => void;
  /** A signal from another member (sendSignal), to the room or to you; each once. */
  signal: (signal: ReceivedSignal) => void;
  /** (createPusherHandlers) Publishing restarted on a fresh push URL: bind it to `<live-pusher url>`. */
  pushUrlChanged: (url: string) => void;
  /** (createPusherHandlers) The pusher is `publishing` (1002), or `restarting` after it gave up (-1307). */
  pusherStateChanged: (state: 'publishing' | 'restarting') => void;
  /** (createPlayerHandlers) A player gave up (-2301): bind the fresh URL to its `<live-player src>`. */
  pullUrlChanged: (userId: string, url: string) => void;
  /** The loudest member above the threshold (hysteresis keeps it from flickering), or null for silence. */
  activeSpeakerChanged: (userId: string | null) => void;
  /**
   * (createPusherHandlers / createPlayerHandlers) Everyone's current volume (0-100), loudest first:
   * at most every AUDIO_VOLUMES_INTERVAL_MS while volume reports come in; silent members drop out.
   */
  audioVolumes: (volumes: AudioVolume[]) => void;
  /**
   * The owner muted (true) or unmuted (false) the whole room (muteAll): everyone but the owner keeps
   * the microphone closed, whatever its own mute says. `room.allMuted` holds the current value.
   */
  allMutedChanged: (allMuted: boolean) => void;
}

/** One member's volume, as `audioVolumes` reports it. */
export interface AudioVolume {
  userId: string;
  /** 0-100, as `<live-pusher>` / `<live-player>` report it. */
  volume: number;
}

/** A signal as the page receives it. */
export interface ReceivedSignal {
  /** The sender's userId. */
  from: string;
  /** The sender's nickName, as the server recorded it at its join ('' when it gave none). */
  nickName: string;
  type: string;
  payload: unknown;
  /** True when sent to you alone, false when sent to the whole room. */
  direct: boolean;
}
