import type { ActionRequest, ActionResponse } from '../../../shared/actions';
import type { MediaBackend, Member } from '../../../shared/common';
import { Collections, Role, SIGNAL_TO_ROOM, memberIdOf } from '../../../shared/constants';
import { ErrorCode, TRANSIENT_CODES } from '../../../shared/errors';
import { callAction, docsOf } from './cloud';
import type { WatchableLike, WatchSnapshot } from './cloud';
import { JRTCError } from './errors';
import { RoomApi } from './roomApi';
import type { TokenRenewal } from './roomApi';
import { RoomFeed } from './feed';
import { RoomMedia } from './roomMedia';
import type { MediaHandlers } from './media';
import { record, startHeartbeat, withinBudget } from './heartbeat';
import { followLifecycle } from './lifecycle';
import type { RoomBase, RoomConfig, Session } from './roomBase';
import { resilientWatch } from './watch';

export type { RosterScope, RoomConfig, Session } from './roomBase';
export type { AudiencePage } from './roomApi';

/** Longest timer the platforms accept (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const ignore = (): void => undefined;

/**
 * A joined room: its calls (roomApi.ts) and the parts it owns, the live feed (feed.ts: roster, hands,
 * signals, the room document) and the media helpers (roomMedia.ts); here the live parts (watches,
 * heartbeat, token timer) and recovery after the app was hidden or offline. Created by
 * `client.joinRoom`; once `state` is `disconnected` it is spent (join again for a new one).
 */
export class Room extends RoomApi {
  private readonly feed = new RoomFeed(this);
  private readonly media = new RoomMedia(this);
  /** The join parameters, for a rejoin (renewToken replaces the token). */
  private params: ActionRequest<'joinRoom'>;
  private lease: number;
  /** Stops of the live parts (watches, heartbeat): restarted on resume. */
  private live: Array<() => void> = [];
  private isLive = false;
  private stopHands?: () => void;
  /** The latest heartbeat times, kept across restarts for the budget. */
  private beats: number[] = [];
  private tokenTimer: unknown;
  private tokenExpiry = 0;
  /** When the app went away (hidden or offline); 0 while here. */
  private awaySince = 0;
  /** The server said NOT_IN_ROOM while the app was away: rejoin when it is back. */
  private lapsed = false;

  /** @internal Created by JRTCMiniappClient.joinRoom. */
  constructor(
    config: RoomConfig,
    session: Session,
    join: ActionResponse<'joinRoom'>,
    params: ActionRequest<'joinRoom'>,
    onEnd: (room: RoomBase) => void,
  ) {
    super(config, session, join, onEnd);
    this.params = params;
    this.lease = join.leaseMs;
    this.onRoom(join.room);
    this.setTokenExpiry(join.tokenExpiresAt);
    this.goLive(join.nextHeartbeatInMs, false);
    if (config.platform) {
      this.own(followLifecycle(config.platform, () => this.away(), () => this.back()));
    }
    this.own(() => {
      this.stopLive();
      config.timers.clearTimeout(this.tokenTimer);
    });
  }

  /** The live roster (anchors, or everyone with rosterScope 'all'), you included when on it. */
  get members(): Member[] {
    return this.feed.members;
  }

  /**
   * The stage cap (setStagePolicy's maxAnchors) as last seen (join reply, the room watch, your
   * setStagePolicy's reply), undefined when none: becoming an anchor while `counts.broadcasterCount`
   * is at it answers STAGE_FULL (the owner excepted). It has no event of its own; read it when you
   * draw (`countsChanged` tells when the stage fills up or frees a seat).
   */
  get maxAnchors(): number | undefined {
    return this.feed.cap;
  }

  /**
   * True while the owner muted the whole room (muteAll): keep your microphone closed unless you are
   * the owner (`<live-pusher muted="{{room.allMuted && !isOwner || ownMuted}}">`); later joiners see
   * it at once. Changes come as `allMutedChanged`.
   */
  get allMuted(): boolean {
    return this.feed.allMute;
  }

  /**
   * How the room's audio travels: 'rtmp' (push + CDN pull), 'trtc' (room:// URLs: RTC mode, a
   * 0.2 / 0.8 s player cache) or 'voip' (WeChat's VoIP chat: the calls bundle's VoipChat).
   */
  get backend(): MediaBackend {
    return this.feed.backend;
  }

  /** (Anchors) The members whose hand is up. */
  get raisedHands(): Member[] {
    return Array.from(this.feed.hands.members.values());
  }

  /**
   * Handlers for `<live-pusher bindstatechange bindaudiovolumenotify binderror>`: when the pusher
   * gives up (-1307) a fresh push URL comes as `pushUrlChanged`; your volume feeds `activeSpeakerChanged`
   * and `audioVolumes`.
   */
  createPusherHandlers(): MediaHandlers {
    return this.media.pusher();
  }

  /**
   * Handlers for the `<live-player>` of `userId`: when it gives up (-2301) a fresh pull URL comes as
   * `pullUrlChanged(userId, url)`; its volume feeds `activeSpeakerChanged` and `audioVolumes`.
   */
  createPlayerHandlers(userId: string): MediaHandlers {
    return this.media.player(userId);
  }

  /** @internal The room document a reply brings goes to the feed, as the room watch's does. */
  protected override onRoom(found: Record<string, unknown> | undefined): void {
    this.feed.onRoom(found);
  }

  /**
   * Hands the server a fresh token; a later rejoin uses it too. Resolves with the new expiry (ms).
   * The owner proof, if any, is dropped: it signs the old token's nonce, so the server would refuse it
   * beside the new one (and a proof only counts on its own token's first join anyway).
   */
  override async renewToken(renewal: TokenRenewal): Promise<number> {
    const expiresAt = await super.renewToken(renewal);
    this.params = Object.assign({}, this.params, { token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp, ownerProof: undefined });
    this.setTokenExpiry(expiresAt);
    return expiresAt;
  }

  /** @internal Opens or closes what depends on your role (the anchors' hands watch). */
  override setOwnRole(role: Role): void {
    super.setOwnRole(role);
    const want = this.isLive && role === Role.ANCHOR;
    if (want && !this.stopHands) {
      const members = this.config.cloud.database().collection(Collections.members);
      this.stopHands = this.openWatch('hands', () => members.where({ roomKey: this.roomKey, handRaised: true }), (s) => this.feed.onHands(s));
    } else if (!want && this.stopHands) {
      this.stopHands();
      this.stopHands = undefined;
    }
  }

  /** Starts the watches and the heartbeat; `resync`: the room counts as reconnecting until each watch delivered. */
  private goLive(firstInMs: number, resync: boolean): void {
    if (this.currentState === 'disconnected') return;
    this.isLive = true;
    const { cloud, timers } = this.config;
    const db = cloud.database();
    const members = db.collection(Collections.members);
    const signals = db.collection(Collections.signals);
    const query: Record<string, unknown> = { roomKey: this.roomKey };
    if (this.config.rosterScope !== 'all') query.role = Role.ANCHOR;
    const parts: Array<[string, () => WatchableLike, (s: WatchSnapshot) => void]> = [
      ['members', () => members.where(query), (s) => this.feed.onMembers(s)],
      ['room', () => db.collection(Collections.rooms).doc(this.roomKey), (s) => this.feed.onRoom(docsOf(s)[0])],
      ['own', () => members.doc(memberIdOf(this.roomKey, this.userId)), (s) => this.feed.onOwn(s)],
      // Two signal watches, each a subset of the read rule `doc.to == '*' || doc._openid == auth.openid`
      // as CloudBase requires of a client query: the room-wide signals, and your inbox by OPENID
      // ('{openid}', which the cloud fills in with the caller's).
      ['signals', () => signals.where({ roomKey: this.roomKey, to: SIGNAL_TO_ROOM }), (s) => this.feed.onSignals(s, 0)],
      ['inbox', () => signals.where({ roomKey: this.roomKey, _openid: '{openid}' }), (s) => this.feed.onSignals(s, 1)],
    ];
    for (const [part, open, onSnapshot] of parts) {
      if (resync) this.health(part, false, ErrorCode.NETWORK);
      this.live.push(this.openWatch(part, open, onSnapshot));
    }
    const heartbeat = startHeartbeat({
      timers,
      firstInMs,
      calls: this.beats,
      beat: () => this.beat(),
      onOk: (reply) => {
        this.health('heartbeat', true);
        this.setTokenExpiry(reply.tokenExpiresAt);
      },
      onError: (error, fatal) => {
        if (!fatal) this.health('heartbeat', false, error.code);
        // Swept while away (the app was suspended past its lease): rejoin once it is back.
        else if (this.awaySince && error.code === ErrorCode.NOT_IN_ROOM) this.lapse();
        else this.end(error.code, error);
      },
    });
    this.live.push(() => {
      heartbeat.stop();
      this.troubles.delete('heartbeat');
    });
    this.setOwnRole(this.currentRole);
  }

  private stopLive(): void {
    this.isLive = false;
    this.live.forEach((stop) => stop());
    this.live = [];
    this.setOwnRole(this.currentRole);
  }

  /** One resilient watch that reports its health as `part`; returns its stop. */
  private openWatch(part: string, open: () => WatchableLike, onSnapshot: (s: WatchSnapshot) => void): () => void {
    const w = resilientWatch({
      open: (handlers) => open().watch(handlers),
      policy: this.config.reconnectPolicy,
      timers: this.config.timers,
      onSnapshot: (s) => {
        onSnapshot(s);
        this.health(part, true);
      },
      onHealth: (ok) => this.health(part, ok, ErrorCode.NETWORK),
      onGiveUp: () => this.end(ErrorCode.NETWORK),
    });
    return () => {
      w.close();
      this.troubles.delete(part);
    };
  }

  /** A heartbeat of the current session (the reply decides; heartbeat.ts or resume handle errors). */
  private beat(): Promise<ActionResponse<'heartbeat'>> {
    const { cloud, timers, callTimeoutMs } = this.config;
    return callAction(cloud, timers, callTimeoutMs, 'heartbeat', Object.assign({}, this.session));
  }

  private setTokenExpiry(expiresAt: number | undefined): void {
    if (!expiresAt || expiresAt === this.tokenExpiry) return;
    const { timers, tokenWillExpireLeadMs } = this.config;
    this.tokenExpiry = expiresAt;
    timers.clearTimeout(this.tokenTimer);
    const left = expiresAt - timers.now();
    // A token that lives no longer than the lead is announced at half its life, not at once: else a
    // 60 s token (the shortest issueToken makes) and the default 60 s lead renew in a loop.
    const wait = left > tokenWillExpireLeadMs ? left - tokenWillExpireLeadMs : left / 2;
    this.tokenTimer = timers.setTimeout(() => this.emit('tokenWillExpire', expiresAt), Math.min(MAX_TIMER_MS, Math.max(0, wait)));
  }

  private away(): void {
    if (!this.awaySince) this.awaySince = this.config.timers.now() || 1;
  }

  private back(): void {
    const awayMs = this.config.timers.now() - this.awaySince;
    this.awaySince = 0;
    void this.resume(awayMs);
  }

  private lapse(): void {
    this.lapsed = true;
    this.stopLive();
    this.health('resume', false, ErrorCode.NOT_IN_ROOM);
  }

  /**
   * Back after being away: a session that may have lapsed (away longer than the lease, or the server
   * says NOT_IN_ROOM) rejoins with the stored parameters; otherwise one heartbeat confirms it. Then
   * every watch starts over: their full snapshots are diffed against what the page was told, so
   * nobody is reported twice or missed. Network failures are retried with the reconnect policy.
   */
  private async resume(awayMs: number): Promise<void> {
    if (this.resuming || this.currentState === 'disconnected') return;
    this.resuming = true;
    this.stopLive();
    this.health('resume', false, ErrorCode.NETWORK);
    const { timers, reconnectPolicy } = this.config;
    const since = timers.now();
    for (let retryCount = 0; !this.over(); retryCount++) {
      try {
        let firstInMs = 0;
        if (this.lapsed || awayMs > this.lease) firstInMs = await this.rejoin();
        else if (withinBudget(this.beats, timers.now())) {
          record(this.beats, timers.now());
          firstInMs = await this.beat().then(
            (reply) => (this.setTokenExpiry(reply.tokenExpiresAt), reply.nextHeartbeatInMs),
            (err: JRTCError) => {
              if (err.code === ErrorCode.NOT_IN_ROOM) return this.rejoin();
              throw err;
            },
          );
        }
        this.goLive(firstInMs, true);
        this.health('resume', true);
        break;
      } catch (err) {
        const error = JRTCError.from(err);
        const transient = TRANSIENT_CODES.indexOf(error.code) >= 0;
        const delay = transient ? reconnectPolicy.nextRetryDelayInMs({ retryCount, elapsedMs: timers.now() - since, error }) : null;
        if (delay === null) {
          this.end(error.code, error);
          break;
        }
        await new Promise<void>((resolve) => timers.setTimeout(resolve, delay));
      }
    }
    this.resuming = false;
  }

  /** Joins again as the same user (the server lets the same caller reuse its live token). */
  private async rejoin(): Promise<number> {
    const { cloud, timers, callTimeoutMs } = this.config;
    const join = (role: Role) => callAction(cloud, timers, callTimeoutMs, 'joinRoom', Object.assign({}, this.params, { role }));
    // Back in the role held; if the stage is closed to it now, in the role first joined with.
    const reply = await join(this.currentRole).catch((err: JRTCError) => {
      if (err.code !== ErrorCode.ROLE_FORBIDDEN) throw err;
      return join(this.params.role);
    });
    if (this.over()) {
      // Left while rejoining: undo the rejoin so no ghost stays behind.
      this.leave(Object.assign({}, this.session, { sessionId: reply.sessionId })).catch(ignore);
      throw JRTCError.cancelled();
    }
    this.session.sessionId = reply.sessionId;
    this.lease = reply.leaseMs;
    this.lapsed = false;
    this.setOwnRole(reply.member.role);
    this.setTokenExpiry(reply.tokenExpiresAt);
    return reply.nextHeartbeatInMs;
  }

  /** True once the room ended (a method, so that TypeScript does not narrow across awaits). */
  private over(): boolean {
    return this.currentState === 'disconnected';
  }
}
