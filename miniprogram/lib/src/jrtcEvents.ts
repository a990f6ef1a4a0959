/**
 * The client's events, with JRTC's names, fed by the joined room's own events (the live roster, the
 * room document, signals, volumes): `jrtcMiniapp.on('UserJoinedRoom', cb)` and so on. A custom signal
 * (customSignalToRoom / customSignalToPeer) comes as the event its sender named.
 */
import type { Member } from '../../../shared/common';
import type { Role } from '../../../shared/constants';
import { ErrorCode, JrtcCode } from '../../../shared/errors';
import { JRTCError, JRTCFailure } from './errors';
import type { AudioVolume, PullStream, ReceivedSignal } from './events';
import type { Room } from './room';

/** A member as the JRTC-form events and lists describe it. */
export interface JRTCUser {
  userId: string;
  nickName: string;
  /** The room's id (your userRoomId). */
  roomId: string;
  /** 1 anchor, 2 audience. */
  role: Role;
  peerId: string;
}

/** A stream that started: who, and the signed pull URL for `<live-player>`. */
export interface JRTCStream extends JRTCUser {
  streamId: string;
  url: string;
}

/** Who changed the room-wide mute (the owner), and where. */
export interface JRTCRoomMute {
  userId: string;
  roomId: string;
}

/** A custom signal as its receivers get it (and as its sender's call resolves with). */
export interface JRTCSignal {
  /** The customEventName its sender gave. */
  eventName: string;
  /** The sender's nickName and userId. */
  nickName: string;
  userId: string;
  data: unknown;
}

/** The client's events, by JRTC name. */
export interface JRTCEventCallbacks {
  /** Someone joined (each member on the live roster: the anchors, or everyone with rosterScope 'all'). */
  UserJoinedRoom: (user: JRTCUser) => void;
  /** Someone on the live roster left (left, swept or kicked). */
  UserLeavedRoom: (user: JRTCUser) => void;
  /** Someone's role changed (you included); `previousRole` is the one before. */
  UserModifyRole: (user: JRTCUser & { previousRole: Role }) => void;
  /**
   * Someone started publishing (also each one publishing when you join): bind `url` to its
   * `<live-player>`, restarting one that subscribe() gave you before the stream started.
   */
  StreamPublished: (stream: JRTCStream) => void;
  /** A stream announced by StreamPublished stopped. */
  StreamUnpublished: (user: JRTCUser & { streamId: string }) => void;
  /** Everyone's current volume (0-100), loudest first (needs the room's pusher / player handlers bound). */
  AudioVolumes: (volumes: AudioVolume[]) => void;
  /** The owner muted the whole room (also heard on joining a room that is muted). */
  GlobalMute: (mute: JRTCRoomMute) => void;
  /** The owner lifted the room-wide mute. */
  CancelGlobalMute: (mute: JRTCRoomMute) => void;
  /** The owner muted this member (you included). */
  AssignPeerMute: (user: JRTCUser) => void;
  /** The owner lifted this member's mute. */
  CancelAssignPeerMute: (user: JRTCUser) => void;
  /** Something failed outside a call (bad init options, a kick, the link lost or given up). */
  onError: (error: JRTCFailure) => void;
}

/** The names of the client's own events: a custom signal may not use one. */
export const JRTC_EVENT_NAMES: ReadonlyArray<keyof JRTCEventCallbacks> = [
  'UserJoinedRoom',
  'UserLeavedRoom',
  'UserModifyRole',
  'StreamPublished',
  'StreamUnpublished',
  'AudioVolumes',
  'GlobalMute',
  'CancelGlobalMute',
  'AssignPeerMute',
  'CancelAssignPeerMute',
  'onError',
];

/** How the bridge emits on the client: a JRTC event with its payload as JRTCEventCallbacks types it, or a custom signal under its sender's name. */
export interface JRTCEmit {
  event<E extends keyof JRTCEventCallbacks>(name: E, payload: Parameters<JRTCEventCallbacks[E]>[0]): void;
  signal(name: string, signal: JRTCSignal): void;
}

/** A member as JRTC describes it. */
export function toUser(member: Member, roomId: string): JRTCUser {
  return { userId: member.userId, nickName: member.nickName, roomId, role: member.role, peerId: member.peerId };
}

/** A received signal as JRTC describes it. */
export function toSignal(s: ReceivedSignal): JRTCSignal {
  return { eventName: s.type, nickName: s.nickName, userId: s.from, data: s.payload };
}

/** Why a room ended, as the page hears it on onError (a leave or destroy is no error). */
function endFailure(reason: string): JRTCFailure | null {
  if (reason === 'LEFT' || reason === 'DESTROYED') return null;
  const error = new JRTCError(reason as ErrorCode, `the room ended: ${reason}`);
  // The link gave up (the retry policy) rather than one call failing.
  return new JRTCFailure(error, reason === ErrorCode.NETWORK ? JrtcCode.RECONNECT_FAILED : undefined);
}

/** Feeds the client's events from `room`'s; the room's own listeners stay as they are. */
export function bridgeRoom(room: Room, emit: JRTCEmit): void {
  const roomId = room.userRoomId;
  const user = (m: Member): JRTCUser => toUser(m, roomId);
  const mute = (): JRTCRoomMute => ({ userId: room.ownerUserId, roomId });
  room.on('memberJoined', (m) => emit.event('UserJoinedRoom', user(m)));
  room.on('memberLeft', (m) => emit.event('UserLeavedRoom', user(m)));
  room.on('roleChanged', (m, previousRole) => emit.event('UserModifyRole', Object.assign(user(m), { previousRole })));
  room.on('streamPublished', (m, s: PullStream) => emit.event('StreamPublished', Object.assign(user(m), { streamId: s.streamId, url: s.url })));
  room.on('streamUnpublished', (m) => emit.event('StreamUnpublished', Object.assign(user(m), { streamId: m.stream.streamId })));
  room.on('audioVolumes', (volumes) => emit.event('AudioVolumes', volumes));
  room.on('allMutedChanged', (muted) => emit.event(muted ? 'GlobalMute' : 'CancelGlobalMute', mute()));
  room.on('memberUpdated', (m, previous) => {
    if (m.stream.adminMuted !== previous.stream.adminMuted) emit.event(m.stream.adminMuted ? 'AssignPeerMute' : 'CancelAssignPeerMute', user(m));
  });
  // A Room-API signal named like one of the client's events must not pass for it (a forged onError).
  room.on('signal', (s) => {
    if (JRTC_EVENT_NAMES.indexOf(s.type as keyof JRTCEventCallbacks) < 0) emit.signal(s.type, toSignal(s));
  });
  room.on('error', (e) => emit.event('onError', new JRTCFailure(e)));
  room.on('connectionStateChanged', (state, reason) => {
    const failure = state === 'disconnected' && reason ? endFailure(reason) : null;
    if (failure) emit.event('onError', failure);
    else if (state === 'reconnecting') emit.event('onError', new JRTCFailure(new JRTCError(ErrorCode.NETWORK, 'connection lost: reconnecting')));
  });
  // A room that is muted when you join: you hear it at once, as those present heard it when it happened.
  if (room.allMuted) emit.event('GlobalMute', mute());
}
