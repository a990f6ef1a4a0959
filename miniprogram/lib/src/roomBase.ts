import type { ActionName, ActionRequest, ActionResponse } from '../../../shared/actions';
import type { MemberCount } from '../../../shared/common';
import type { Role } from '../../../shared/constants';
import { ErrorCode, SESSION_ENDING_CODES } from '../../../shared/errors';
import { callAction } from './cloud';
import type { CloudLike } from './cloud';
import { TypedEmitter } from './emitter';
import { JRTCError } from './errors';
import type { ConnectionReason, ConnectionState, RoomEventCallbacks } from './events';
import type { PlatformLike } from './lifecycle';
import type { ReconnectPolicy } from './reconnect';
import type { Timers } from './timers';

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
  /** App hide/show and network events; none: no lifecycle recovery. */
  platform?: PlatformLike;
}

/** The fields every call after joinRoom carries (sessionId changes when the room rejoins). */
export interface Session {
  appId: string;
  userRoomId: string;
  userId: string;
  sessionId: string;
}

/** The session fields the room adds to each action itself. */
export type Extra<A extends ActionName> = Omit<ActionRequest<A>, keyof Session>;

/**
 * The room's core: identity, the one state setter, health of its parts, and the session-aware
 * `call`. RoomApi (roomApi.ts) adds the calls; Room (room.ts) the parts it owns (the live feed, the
 * media helpers) and the live session with its recovery.
 */
export class RoomBase extends TypedEmitter<RoomEventCallbacks> {
  /** The room's document id (`appId:userRoomId`). */
  readonly roomKey: string;
  /** Your userId. */
  readonly userId: string;
  /** The room id the app chose. */
  readonly userRoomId: string;
  /** Your nickName, as the server admitted it. */
  readonly nickName: string;

  /** @internal */
  protected readonly session: Session;
  /** @internal */
  currentState: ConnectionState = 'connected';
  /** @internal */
  currentRole: Role;
  /** @internal */
  currentCounts: MemberCount;
  /** @internal */
  currentOwner: string;
  /** @internal Parts in trouble: the room is reconnecting while any is. */
  protected troubles = new Set<string>();
  /** @internal What to stop on disconnect. */
  protected stops: Array<() => void> = [];
  /** @internal True while the room rejoins or resyncs: a stale session's refusal must not end it. */
  protected resuming = false;
  private leaving?: Promise<void>;

  /** @internal Created by JRTCMiniappClient.joinRoom. */
  constructor(
    /** @internal */
    readonly config: RoomConfig,
    session: Session,
    join: ActionResponse<'joinRoom'>,
    private readonly onEnd: (room: RoomBase) => void,
  ) {
    super();
    this.session = session;
    this.userId = session.userId;
    this.userRoomId = session.userRoomId;
    this.roomKey = join.roomKey;
    this.nickName = join.member.nickName;
    this.currentRole = join.member.role;
    const { broadcasterCount, audienceCount } = join.room;
    this.currentCounts = { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
    this.currentOwner = join.room.ownerUserId;
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
    return Object.assign({}, this.currentCounts);
  }

  /** The room owner's userId as last seen (join reply, transferOwnership, then the room watch). */
  get ownerUserId(): string {
    return this.currentOwner;
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
      this.leaving = live ? this.leave(this.session) : Promise.resolve();
    }
    return this.leaving;
  }

  /** @internal Tells the server `session` left; a session the server already ended has nothing left to do. */
  protected leave(session: Session): Promise<void> {
    const { cloud, timers, callTimeoutMs } = this.config;
    return callAction(cloud, timers, callTimeoutMs, 'leaveRoom', session).then(
      () => undefined,
      (err: JRTCError) => {
        if (SESSION_ENDING_CODES.indexOf(err.code) < 0) throw err;
      },
    );
  }

  /** @internal Ends the room; a kick also tells the page why (`kicked`, once: the state changes once). */
  end(reason: ConnectionReason, error?: JRTCError): void {
    const was = this.currentState;
    this.setState('disconnected', reason);
    if (reason === ErrorCode.KICKED && was !== 'disconnected') {
      const details = (error && error.details) as { reason?: unknown } | undefined;
      this.emit('kicked', details && typeof details.reason === 'string' ? details.reason : undefined);
    }
  }

  /** @internal One action of this session. A reply that ends the session ends the room (unless stale). */
  protected async call<A extends ActionName>(action: A, extra: Extra<A>): Promise<ActionResponse<A>> {
    if (this.currentState === 'disconnected') throw JRTCError.invalidState('the room is disconnected');
    const sessionId = this.session.sessionId;
    const payload = Object.assign({}, this.session, extra) as unknown as ActionRequest<A>;
    try {
      return await callAction(this.config.cloud, this.config.timers, this.config.callTimeoutMs, action, payload);
    } catch (err) {
      const error = err as JRTCError;
      const kicked = error.code === ErrorCode.KICKED || error.code === ErrorCode.TOKEN_REVOKED;
      // A refusal addressed to a session the room has since replaced (rejoin) says nothing about the room.
      const current = sessionId === this.session.sessionId && !this.resuming;
      if (SESSION_ENDING_CODES.indexOf(error.code) >= 0 && (kicked || current)) this.end(error.code, error);
      throw error;
    }
  }

  /** @internal The one state setter: emits only on a change; `disconnected` tears everything down. */
  protected setState(next: ConnectionState, reason?: ConnectionReason): void {
    if (next === this.currentState) return;
    this.currentState = next;
    if (next === 'disconnected') {
      this.stops.forEach((stop) => stop());
      this.stops = [];
      this.onEnd(this);
    }
    this.emit('connectionStateChanged', next, reason);
  }

  /** @internal Registers what to stop on disconnect; stops it at once when the room already ended. */
  protected own(stop: () => void): void {
    if (this.currentState === 'disconnected') stop();
    else this.stops.push(stop);
  }

  /** @internal Records one part's health; the room is reconnecting while any part is in trouble. */
  protected health(part: string, ok: boolean, reason?: ConnectionReason): void {
    if (ok) this.troubles.delete(part);
    else this.troubles.add(part);
    if (this.currentState !== 'disconnected') {
      this.setState(this.troubles.size ? 'reconnecting' : 'connected', this.troubles.size ? reason : undefined);
    }
  }
}
