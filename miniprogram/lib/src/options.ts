/**
 * What the client is given: init's options (checked into the rooms' shared config) and joinRoom's
 * enterRoomInfo in every spelling JRTC pages use (normalised into the protocol's joinRoom request).
 */
import type { ActionRequest } from '../../../shared/actions';
import { Limits } from '../../../shared/constants';
import type { Role } from '../../../shared/constants';
import type { MediaBackend } from '../../../shared/common';
import type { CloudLike } from './cloud';
import { JRTCError } from './errors';
import { isPlatform } from './lifecycle';
import type { PlatformLike } from './lifecycle';
import { DefaultReconnectPolicy } from './reconnect';
import type { ReconnectPolicy } from './reconnect';
import type { RoomConfig, RosterScope } from './roomBase';
import { systemTimers } from './timers';
import type { Timers } from './timers';
import { check, checkOptional, isDomain, isId, isObject, isRole, isText } from './validate';

/** The mini program global, when there is one (absent in Node). */
declare const wx: ({ cloud?: CloudLike } & Partial<PlatformLike>) | undefined;

/** Options of JRTCMiniappClient.init: JRTC's three, then ours (all optional). */
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

/**
 * joinRoom's enterRoomInfo as JRTC documents it: ids may be numbers, the expiry may be spelled
 * `timeStamp` (and be a string of digits), the nickname `nickname`. Ours (JoinRoomParams) fits too.
 */
export interface EnterRoomInfo {
  appId: string;
  token: string;
  userId: string | number;
  /** 1 anchor, 2 audience. */
  role: Role;
  nonce: string;
  /** The token's expiry (ms), as the token was computed with it. */
  timestamp?: number | string;
  /** JRTC's spelling of `timestamp`. */
  timeStamp?: number | string;
  userRoomId: string | number;
  peerId?: string;
  nickName?: string;
  /** JRTC's spelling of `nickName`. */
  nickname?: string;
  ownerProof?: string;
  /** The media backend of the room this join creates: 'rtmp', 'trtc' or 'voip' (default: the deployment's). */
  backend?: MediaBackend;
}

const positive = (v: unknown): boolean => typeof v === 'number' && v > 0;

/** The rooms' config from init's options; throws BAD_REQUEST, or INVALID_STATE without wx.cloud. */
export function configFrom(options: InitOptions): RoomConfig {
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
  return {
    cloud,
    timers: options.timers || systemTimers,
    reconnectPolicy: options.reconnectPolicy || new DefaultReconnectPolicy(),
    pushDomain: options.pushDomain,
    pullDomain: options.pullDomain,
    callTimeoutMs: options.callTimeoutMs || 15_000,
    tokenWillExpireLeadMs: options.tokenWillExpireLeadMs === undefined ? 60_000 : options.tokenWillExpireLeadMs,
    rosterScope: options.rosterScope || 'anchors',
    platform: isPlatform(platform) ? platform : undefined,
  };
}

/** A numeric id as the string the token was computed with (JRTC's ids are strings in the token). */
const idOf = (v: unknown): unknown => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v);

/**
 * enterRoomInfo as the protocol's joinRoom request, checked: throws BAD_REQUEST for parameters the
 * server would refuse anyway (so they cost no cloud call).
 */
export function joinRequestFrom(info: EnterRoomInfo, appId: string): JoinRoomParams {
  check(isObject(info), 'params');
  const stamp = info.timestamp !== undefined ? info.timestamp : info.timeStamp;
  const p = {
    appId: info.appId,
    token: info.token,
    userId: idOf(info.userId) as string,
    role: info.role,
    nonce: info.nonce,
    timestamp: (typeof stamp === 'string' && /^\d{1,16}$/.test(stamp) ? Number(stamp) : stamp) as number,
    userRoomId: idOf(info.userRoomId) as string,
    peerId: info.peerId,
    nickName: info.nickName !== undefined ? info.nickName : info.nickname,
    ownerProof: info.ownerProof,
    backend: info.backend,
  };
  check(p.appId === appId, 'appId');
  check(isText(p.token, Limits.tokenMaxLength), 'token');
  check(isId(p.userId), 'userId');
  check(isRole(p.role), 'role');
  check(isText(p.nonce, Limits.nonceMaxLength), 'nonce');
  check(Number.isSafeInteger(p.timestamp) && p.timestamp > 0, 'timestamp');
  check(isId(p.userRoomId), 'userRoomId');
  checkOptional(p.peerId, isId, 'peerId');
  checkOptional(p.nickName, (v) => typeof v === 'string' && v.length <= Limits.nickNameMaxLength, 'nickName');
  checkOptional(p.ownerProof, (v) => isText(v, Limits.ownerProofMaxLength), 'ownerProof');
  checkOptional(p.backend, (v) => v === 'rtmp' || v === 'trtc' || v === 'voip', 'backend');
  // Absent optional fields stay absent on the wire.
  for (const k of ['peerId', 'nickName', 'ownerProof', 'backend'] as const) if (p[k] === undefined) delete p[k];
  return p;
}
