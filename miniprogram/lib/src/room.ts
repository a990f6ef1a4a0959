import type { ActionName, ActionRequest, ActionResponse } from '../../../shared/actions';
import type { Member, MemberCount } from '../../../shared/common';
import { Collections, Limits, Role } from '../../../shared/constants';
import { ErrorCode } from '../../../shared/errors';
import { callAction } from './cloud';
import type { CloudLike, WatchableLike, WatchSnapshot } from './cloud';
import { TypedEmitter } from './emitter';
import { JRTCError } from './errors';
import type { ConnectionReason, ConnectionState, PullStream, RoomEventCallbacks } from './events';
import { SESSION_ENDING_CODES, startHeartbeat } from './heartbeat';
import type { ReconnectPolicy } from './reconnect';
import { applyChanges, applySnapshot, emptyRoster } from './roster';
import type { Roster, RosterEvent } from './roster';
import type { Timers } from './timers';
import { check, checkOptional, isId, isObject, isRole } from './validate';
import { resilientWatch } from './watch';

/** Which members a room watches: the anchors (default, any room size) or everyone (small rooms). */
export type RosterScope = 'anchors' | 'all';

/** What a room inherits from its client. */
export interface RoomConfig {
  cloud: CloudLike;
  timers: Timers;
  reconnectPolicy: ReconnectPolicy;
  pushDomain: string;
  pullDomain: string;
  callTimeoutMs: number;
  tokenWillExpireLeadMs: number;
  rosterScope: RosterScope;
}

/** The fields every call after joinRoom carries. */
export interface Session {
  appId: string;
  userRoomId: string;
  userId: string;
  sessionId: string;
}

/** One page of the audience. */
export type AudiencePage = ActionResponse<'getAudienceList'>;

/** The session fields the room adds to each action itself. */
type Extra<A extends ActionName> = Omit<ActionRequest<A>, keyof Session>;

/** Longest timer the platforms accept (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A joined room: the seed's calls, the live roster and its events, the heartbeat. Created by
 * `client.joinRoom`; once `state` is `disconnected` it is spent (join again for a new one).
 */
export class Room extends TypedEmitter<RoomEventCallbacks> {
  /** The room's document id (`appId:userRoomId`). */
  readonly roomKey: string;
  /** Your userId. */
  readonly userId: string;
  /** The room id the app chose. */
  readonly userRoomId: string;

  private readonly session: Session;
  private currentState: ConnectionState = 'connected';
  private currentRole: Role;
  private currentCounts: MemberCount;
  private roomVersion: number;
  private roster: Roster = emptyRoster;
  /** Streams announced with streamPublished, by userId (their streamId). */
  private announced = new Map<string, string>();
  private troubles = new Set<string>();
  private stops: Array<() => void> = [];
  private leaving?: Promise<void>;

  /** @internal Created by JRTCMiniappClient.joinRoom. */
  constructor(
    private readonly config: RoomConfig,
    session: Session,
    join: ActionResponse<'joinRoom'>,
    private readonly onEnd: (room: Room) => void,
  ) {
    super();
    this.session = session;
    this.userId = session.userId;
    this.userRoomId = session.userRoomId;
    this.roomKey = join.roomKey;
    this.currentRole = join.member.role;
    const { broadcasterCount, audienceCount } = join.room;
    this.currentCounts = { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
    this.roomVersion = join.room.version;
    this.start(join);
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Your role as last confirmed by the server. */
  get role(): Role {
    return this.currentRole;
  }

  /** The room's counts as last seen (join reply, then the room watch). */
  get counts(): MemberCount {
    return { ...this.currentCounts };
  }

  /** The live roster (anchors, or everyone with rosterScope 'all'), you included when on it. */
  get members(): Member[] {
    return Array.from(this.roster.members.values());
  }

  /** Becomes anchor (1) or audience (2), as the room's stage policy allows. Resolves with your member. */
  async setRole(role: Role): Promise<Member> {
    check(isRole(role), 'role');
    const { member } = await this.call('setRole', { role });
    this.currentRole = member.role;
    return member;
  }

  /** Starts publishing (anchors only); resolves with the signed push URL for `<live-pusher>`. */
  async publish(): Promise<string> {
    return (await this.call('publish', { pushDomain: this.config.pushDomain })).pushUrl;
  }

  /** Stops publishing. */
  async unpublish(): Promise<void> {
    await this.call('unpublish', {});
  }

  /** Signed pull URLs, one per publishing anchor (or only those in `userIds`). */
  async subscribe(options: { userIds?: string[] } = {}): Promise<PullStream[]> {
    check(isObject(options), 'options');
    checkOptional(
      options.userIds,
      (ids) => Array.isArray(ids) && ids.length <= Limits.pageSizeMax && ids.every(isId),
      'userIds',
    );
    return (await this.call('subscribe', { userIds: options.userIds, pullDomain: this.config.pullDomain })).streams;
  }

  /** Every anchor of the room, from the server. */
  async getBroadcasterList(): Promise<Member[]> {
    return (await this.call('getBroadcasterList', {})).members;
  }

  /** One page of the audience, ordered by userId; pass the previous page's `nextCursor` for the next. */
  async getAudienceList(options: { cursor?: string; pageSize?: number } = {}): Promise<AudiencePage> {
    check(isObject(options), 'options');
    checkOptional(options.cursor, isId, 'cursor');
    checkOptional(
      options.pageSize,
      (n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= Limits.pageSizeMax,
      'pageSize',
    );
    return this.call('getAudienceList', { cursor: options.cursor, pageSize: options.pageSize });
  }

  /** Exact member counts, from the server. */
  async getRoomMemberCount(): Promise<MemberCount> {
    return this.call('getRoomMemberCount', {});
  }

  /**
   * Leaves the room: stops the heartbeat and the watches at once, then tells the server. Calling it
   * again returns the same promise; after the session already ended (swept, replaced) it only resolves.
   */
  leaveRoom(): Promise<void> {
    return this.close('LEFT');
  }

  /** @internal leaveRoom with the reason the state change reports (client.destroy says DESTROYED). */
  close(reason: ConnectionReason): Promise<void> {
    if (!this.leaving) {
      const live = this.currentState !== 'disconnected';
      this.end(reason);
      this.leaving = live
        ? callAction(this.config.cloud, this.config.timers, this.config.callTimeoutMs, 'leaveRoom', this.session).then(
            () => undefined,
            (err: JRTCError) => {
              // Already gone on the server: leaving has nothing left to do.
              if (SESSION_ENDING_CODES.indexOf(err.code) < 0) throw err;
            },
          )
        : Promise.resolve();
    }
    return this.leaving;
  }

  private end(reason: ConnectionReason): void {
    this.setState('disconnected', reason);
  }

  private async call<A extends ActionName>(action: A, extra: Extra<A>): Promise<ActionResponse<A>> {
    if (this.currentState === 'disconnected') throw JRTCError.invalidState('the room is disconnected');
    const payload = { ...this.session, ...extra } as unknown as ActionRequest<A>;
    try {
      return await callAction(this.config.cloud, this.config.timers, this.config.callTimeoutMs, action, payload);
    } catch (err) {
      const error = err as JRTCError;
      if (SESSION_ENDING_CODES.indexOf(error.code) >= 0) this.end(error.code);
      throw error;
    }
  }

  /** The one state setter: emits only on a change; `disconnected` tears everything down. */
  private setState(next: ConnectionState, reason?: ConnectionReason): void {
    if (next === this.currentState) return;
    this.currentState = next;
    if (next === 'disconnected') {
      this.stops.forEach((stop) => stop());
      this.stops = [];
      this.onEnd(this);
    }
    this.emit('connectionStateChanged', next, reason);
  }

  /** Registers what to stop on disconnect; stops it at once when the room already ended (during start). */
  private own(stop: () => void): void {
    if (this.currentState === 'disconnected') stop();
    else this.stops.push(stop);
  }

  /** Records one part's health; the room is reconnecting while any part is in trouble. */
  private health(part: string, ok: boolean, reason?: ConnectionReason): void {
    if (ok) this.troubles.delete(part);
    else this.troubles.add(part);
    if (this.currentState !== 'disconnected') {
      this.setState(this.troubles.size ? 'reconnecting' : 'connected', this.troubles.size ? reason : undefined);
    }
  }

  private start(join: ActionResponse<'joinRoom'>): void {
    const { cloud, timers, reconnectPolicy } = this.config;
    const db = cloud.database();
    const members = db.collection(Collections.members);
    const query: Record<string, unknown> = { roomKey: this.roomKey };
    if (this.config.rosterScope !== 'all') query.role = Role.ANCHOR;
    const watch = (part: string, open: () => WatchableLike, onSnapshot: (s: WatchSnapshot) => void): void => {
      const w = resilientWatch({
        open: (handlers) => open().watch(handlers),
        policy: reconnectPolicy,
        timers,
        onSnapshot,
        onHealth: (ok) => this.health(part, ok, ErrorCode.NETWORK),
        onGiveUp: () => this.end(ErrorCode.NETWORK),
      });
      this.own(() => w.close());
    };
    watch('members', () => members.where(query), (s) => this.onMembers(s));
    watch('room', () => db.collection(Collections.rooms).doc(this.roomKey), (s) => this.onRoom(s));

    const heartbeat = startHeartbeat({
      timers,
      firstInMs: join.nextHeartbeatInMs,
      beat: () => this.call('heartbeat', {}),
      onOk: () => this.health('heartbeat', true),
      onError: (error, fatal) => (fatal ? this.end(error.code) : this.health('heartbeat', false, error.code)),
    });
    this.own(() => heartbeat.stop());

    const lead = join.tokenExpiresAt - this.config.tokenWillExpireLeadMs - timers.now();
    const tokenTimer = timers.setTimeout(
      () => this.emit('tokenWillExpire', join.tokenExpiresAt),
      Math.min(MAX_TIMER_MS, Math.max(0, lead)),
    );
    this.own(() => timers.clearTimeout(tokenTimer));
  }

  private onMembers(snapshot: WatchSnapshot): void {
    const update =
      snapshot.type === 'init'
        ? applySnapshot(this.roster, snapshot.docs)
        : applyChanges(this.roster, snapshot.docChanges);
    this.roster = update.roster;
    update.events.forEach((e) => this.report(e));
  }

  /** Turns one roster event into the page's events. */
  private report(e: RosterEvent): void {
    // Only the anchors-only watch has moves: in by promotion, out by demotion.
    const member: Member = e.type === 'left' && e.moved ? { ...e.member, role: Role.AUDIENCE } : e.member;
    const self = member.userId === this.userId;
    if (self && (e.type !== 'left' || e.moved)) this.currentRole = member.role;
    // First: a stream that stops is withdrawn before its member leaves or steps down (a new stream is
    // announced later anyway, once its pull URL is signed).
    if (!self) this.syncStream(member, e.type !== 'left' && member.stream.publishing ? member.stream.streamId : '');
    if (e.type === 'updated') {
      if (e.previous.role !== member.role) this.emit('roleChanged', member, e.previous.role);
    } else if (e.moved) {
      this.emit('roleChanged', member, e.type === 'left' ? Role.ANCHOR : Role.AUDIENCE);
    } else if (!self) {
      this.emit(e.type === 'joined' ? 'memberJoined' : 'memberLeft', member);
    }
  }

  /** Announces or withdraws another member's stream so that the page hears of each exactly once. */
  private syncStream(member: Member, wanted: string): void {
    const announced = this.announced.get(member.userId);
    if (announced !== undefined && announced !== wanted) {
      this.announced.delete(member.userId);
      this.emit('streamUnpublished', member);
    }
    if (!wanted || announced === wanted) return;
    this.subscribe({ userIds: [member.userId] }).then(
      (streams) => {
        const stream = streams.filter((s) => s.userId === member.userId)[0];
        const now = Array.from(this.roster.members.values()).filter((m) => m.userId === member.userId)[0];
        // The roster may have moved on while the URL was on its way: announce only what still holds.
        if (!stream || !now || !now.stream.publishing || now.stream.streamId !== wanted) return;
        if (this.currentState === 'disconnected' || this.announced.has(member.userId)) return;
        this.announced.set(member.userId, wanted);
        this.emit('streamPublished', now, stream);
      },
      (err: JRTCError) => {
        if (this.currentState !== 'disconnected') this.emit('error', err);
      },
    );
  }

  private onRoom(snapshot: WatchSnapshot): void {
    const doc = snapshot.docs[0] || {};
    const version = typeof doc.version === 'number' ? doc.version : 0;
    if (snapshot.docs[0] && version < this.roomVersion) return;
    this.roomVersion = version;
    const broadcasterCount = Number(doc.broadcasterCount) || 0;
    const audienceCount = Number(doc.audienceCount) || 0;
    const c = this.currentCounts;
    if (c.broadcasterCount === broadcasterCount && c.audienceCount === audienceCount) return;
    this.currentCounts = { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
    this.emit('countsChanged', this.counts);
  }
}
