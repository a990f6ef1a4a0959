import type { ActionRequest } from '../../../shared/actions';
import { Limits } from '../../../shared/constants';
import { callAction } from './cloud';
import type { CloudLike } from './cloud';
import { JRTCError } from './errors';
import { DefaultReconnectPolicy } from './reconnect';
import type { ReconnectPolicy } from './reconnect';
import { isPlatform } from './lifecycle';
import type { PlatformLike } from './lifecycle';
import { Room } from './room';
import type { RoomConfig, RosterScope, Session } from './room';
import { systemTimers } from './timers';
import type { Timers } from './timers';
import { check, checkOptional, isDomain, isId, isObject, isRole, isText } from './validate';

/** The mini program global, when there is one (absent in Node). */
declare const wx: ({ cloud?: CloudLike } & Partial<PlatformLike>) | undefined;

/** Options of JRTCMiniappClient.init. */
export interface InitOptions {
  /** Your JRTC appId (the deployment must know it). */
  appId: string;
  /** Host (optionally :port) that push URLs point at; the function must sign for it. */
  pushDomain: string;
  /** Host (optionally :port) that pull URLs point at. */
  pullDomain: string;
  /** The `wx.cloud`-shaped client to use; defaults to the global `wx.cloud` (call `wx.cloud.init` first). */
  cloud?: CloudLike;
  /** When to retry a failed watch; default 1 s, 2 s, 5 s, then every 10 s. */
  reconnectPolicy?: ReconnectPolicy;
  /** 'anchors' (default: any room size) or 'all' (everyone on the live roster: rooms of a few hundred at most). */
  rosterScope?: RosterScope;
  /** How long a cloud call may take before it rejects with TIMEOUT (default 15,000 ms). */
  callTimeoutMs?: number;
  /** How long before the token expires `tokenWillExpire` fires (default 60,000 ms). */
  tokenWillExpireLeadMs?: number;
  /** Clock and timers (tests pass a manual one). */
  timers?: Timers;
  /**
   * App hide/show and network events, for recovery after a suspension; defaults to the global `wx`.
   * Pass `null` to turn lifecycle recovery off.
   */
  platform?: PlatformLike | null;
}

/**
 * joinRoom's parameters, exactly as the protocol's joinRoom request: the token fields your server (or
 * issueToken) gave you, your role, optionally `peerId`, `nickName`, and `ownerProof` (the owner proof
 * your server computed for this token with the app key: the join then makes you the room's owner).
 */
export type JoinRoomParams = ActionRequest<'joinRoom'>;

interface PendingJoin {
  promise: Promise<Room>;
  cancelled: boolean;
  resolve(room: Room): void;
  reject(error: JRTCError): void;
  /** Settles when the join's work is over (including undoing a cancelled join on the server). */
  done: Promise<void>;
}

const positive = (v: unknown): boolean => typeof v === 'number' && v > 0;
const ignore = (): void => undefined;

/** Throws BAD_REQUEST for join parameters the server would refuse anyway. */
function checkJoin(p: JoinRoomParams, appId: string): void {
  check(isObject(p), 'params');
  check(p.appId === appId, 'appId');
  check(isText(p.token, Limits.tokenMaxLength), 'token');
  check(isId(p.userId), 'userId');
  check(isRole(p.role), 'role');
  check(isText(p.nonce, Limits.nonceMaxLength), 'nonce');
  check(Number.isInteger(p.timestamp) && p.timestamp > 0, 'timestamp');
  check(isId(p.userRoomId), 'userRoomId');
  checkOptional(p.peerId, isId, 'peerId');
  checkOptional(p.nickName, (v) => typeof v === 'string' && v.length <= Limits.nickNameMaxLength, 'nickName');
  checkOptional(p.ownerProof, (v) => isText(v, Limits.ownerProofMaxLength), 'ownerProof');
}

/**
 * The SDK's entry point: `JRTCMiniappClient.init(...)`, then `client.joinRoom(...)` for a Room. One room
 * at a time; join and leave never interleave.
 */
export default class JRTCMiniappClient {
  /** The appId given to init. */
  readonly appId: string;
  private current?: Room;
  private pending?: PendingJoin;
  /** What a new join waits for: the previous room's leave or the undoing of a cancelled join. */
  private settling: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  private constructor(private readonly config: RoomConfig, appId: string) {
    this.appId = appId;
  }

  /** Checks the options and creates a client. Rejects with BAD_REQUEST, or INVALID_STATE without wx.cloud. */
  static async init(options: InitOptions): Promise<JRTCMiniappClient> {
    check(isObject(options), 'options');
    check(isId(options.appId), 'appId');
    check(isDomain(options.pushDomain), 'pushDomain');
    check(isDomain(options.pullDomain), 'pullDomain');
    checkOptional(options.rosterScope, (v) => v === 'anchors' || v === 'all', 'rosterScope');
    checkOptional(options.callTimeoutMs, positive, 'callTimeoutMs');
    checkOptional(options.tokenWillExpireLeadMs, (v) => typeof v === 'number' && v >= 0, 'tokenWillExpireLeadMs');
    checkOptional(options.platform, (v) => v === null || isPlatform(v), 'platform');
    checkOptional(options.reconnectPolicy, (v) => isObject(v) && typeof v.nextRetryDelayInMs === 'function', 'reconnectPolicy');
    const global = typeof wx !== 'undefined' && wx ? wx : undefined;
    const cloud = options.cloud || (global && global.cloud);
    const platform = options.platform === undefined ? global : options.platform;
    if (!cloud || typeof cloud.callFunction !== 'function' || typeof cloud.database !== 'function') {
      throw JRTCError.invalidState('wx.cloud is not available: call wx.cloud.init() first or pass `cloud`');
    }
    return new JRTCMiniappClient(
      {
        cloud,
        timers: options.timers || systemTimers,
        reconnectPolicy: options.reconnectPolicy || new DefaultReconnectPolicy(),
        pushDomain: options.pushDomain,
        pullDomain: options.pullDomain,
        callTimeoutMs: options.callTimeoutMs || 15_000,
        tokenWillExpireLeadMs: options.tokenWillExpireLeadMs === undefined ? 60_000 : options.tokenWillExpireLeadMs,
        rosterScope: options.rosterScope || 'anchors',
        platform: isPlatform(platform) ? platform : undefined,
      },
      options.appId,
    );
  }

  /** The joined room, or null. */
  get room(): Room | null {
    return this.current || null;
  }

  /**
   * Joins a room and resolves with it once the server admitted you; the live roster then fills through
   * the room's events. While a join is pending a second call gets the same promise; while in a room it
   * rejects with INVALID_STATE (leave first).
   */
  joinRoom(params: JoinRoomParams): Promise<Room> {
    if (this.pending) return this.pending.promise;
    try {
      if (this.destroyed) throw JRTCError.invalidState('the client is destroyed');
      checkJoin(params, this.appId);
      if (this.current) throw JRTCError.invalidState('already in a room: leave it first');
    } catch (err) {
      return Promise.reject(err);
    }
    const pending = { cancelled: false } as PendingJoin;
    pending.promise = new Promise<Room>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.pending = pending;
    pending.done = this.runJoin(params, pending).catch((err: unknown) => {
      if (this.pending === pending) this.pending = undefined;
      pending.reject(JRTCError.from(err));
    });
    return pending.promise;
  }

  /** Leaves the room, or cancels a pending join (which then rejects with CANCELLED). */
  leaveRoom(): Promise<void> {
    const pending = this.pending;
    if (pending) {
      pending.cancelled = true;
      this.pending = undefined;
      pending.reject(JRTCError.cancelled('left while joining'));
      this.settling = pending.done;
      return pending.done;
    }
    return this.current ? this.current.leaveRoom() : Promise.resolve();
  }

  /** Cancels a pending join, leaves the room (its state goes disconnected with DESTROYED) and retires the client. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    if (this.pending) await this.leaveRoom().catch(ignore);
    if (this.current) await this.current.close('DESTROYED').catch(ignore);
  }

  private async runJoin(params: JoinRoomParams, pending: PendingJoin): Promise<void> {
    await this.settling;
    if (pending.cancelled) return;
    const { cloud, timers, callTimeoutMs } = this.config;
    const reply = await callAction(cloud, timers, callTimeoutMs, 'joinRoom', params);
    const session: Session = {
      appId: params.appId,
      userRoomId: params.userRoomId,
      userId: params.userId,
      sessionId: reply.sessionId,
    };
    if (pending.cancelled) {
      // Left while the join was on its way: undo it on the server so no ghost stays behind.
      await callAction(cloud, timers, callTimeoutMs, 'leaveRoom', session).catch(ignore);
      return;
    }
    const room = new Room(this.config, session, reply, params, (ended) => {
      if (this.current === ended) this.current = undefined;
      // Deferred: leaveRoom assigns its promise right after the state change that brought us here.
      this.settling = Promise.resolve()
        .then(() => ended.leaveRoom())
        .catch(ignore);
    });
    // Settled before the caller resumes: a join right after this one already sees the room.
    if (this.pending === pending) this.pending = undefined;
    if (room.state !== 'disconnected') this.current = room;
    pending.resolve(room);
  }
}
