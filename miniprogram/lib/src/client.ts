/**
 * JRTCMiniappClient: the SDK's entry point, with JD Cloud JRTC's API on it (init, joinRoom, setRole,
 * publish, subscribe, the lists and counts, custom signals, leaveRoom, destroy, and `on` with JRTC's
 * event names), so a JRTC page runs unchanged. Those calls resolve with JRTC's reply shapes
 * (`{code: 200, ..., reason: ''}`) and reject with JRTCFailure (`{code, reason, errorCode}`).
 * `joinRoom` resolves with our Room: its richer API (typed events, room control) is the extension.
 */
import { JRTC_EVENT_NAMES, bridgeRoom, toUser } from './jrtcEvents';
import type { JRTCEventCallbacks, JRTCSignal, JRTCUser } from './jrtcEvents';
import { ClientCore } from './clientCore';
import type { Member } from '../../../shared/common';
import { Limits, Patterns, SYSTEM_SIGNAL_PREFIX } from '../../../shared/constants';
import type { Role } from '../../../shared/constants';
import { JrtcCode } from '../../../shared/errors';
import { JRTCError, JRTCFailure } from './errors';
import { configFrom } from './options';
import type { EnterRoomInfo, InitOptions } from './options';
import type { PullStream } from './events';
import type { Room } from './room';
import { check, isId, isObject } from './validate';

export type { InitOptions, JoinRoomParams, EnterRoomInfo } from './options';

/**
 * Events that add-on bundles emit on the client, by name: empty here; the calls bundle's typings add
 * CallInvited, CallAccepted, CallUpdated and CallEnded (miniprogram/lib/src/calls/jrtcForm.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface JRTCExtraEvents {}

/** A JRTC-form success: `code` 200, the call's fields, `reason` ''. */
export type JRTCReply<T> = { code: 200; reason: string } & T;

/** Listeners of the client: JRTC's events, and custom signals by the name their sender gave. */
type ClientEvents = { [K in keyof JRTCEventCallbacks | 'signal']: (payload: never) => void };

/** The protocol's signal type (shared/actions.ts signalTypeSchema), which a customEventName becomes. */

/** Throws ARGUMENT_INVALIDATE unless `name` can name a custom signal (and is none of the client's events). */
function checkEventName(name: unknown): void {
  const ok = typeof name === 'string' && name.length <= Limits.signalTypeMaxLength && Patterns.signalType.test(name);
  check(ok && (name as string).indexOf(SYSTEM_SIGNAL_PREFIX) !== 0 && JRTC_EVENT_NAMES.indexOf(name as never) < 0, 'customEventName');
}

/** The JRTC entry point: `const jrtcMiniapp = JRTCMiniappClient.init({appId, pushDomain, pullDomain})`. */
export default class JRTCMiniappClient extends ClientCore<ClientEvents> {
  /** The core's promise of the latest join, and the one the page was given for it. */
  private joining?: [Promise<Room>, Promise<Room>];

  /**
   * Creates the client, synchronously as JRTC does. Options that cannot work (BAD_REQUEST, or no
   * wx.cloud: INVALID_STATE) do not throw: every call rejects with them, and `onError` reports them.
   */
  static init(options: InitOptions): JRTCMiniappClient {
    let setup;
    try {
      setup = configFrom(options);
    } catch (err) {
      setup = JRTCError.from(err);
    }
    const client = new JRTCMiniappClient(setup, options && typeof options.appId === 'string' ? options.appId : '');
    // After the page's `on(...)` calls that follow init.
    if (setup instanceof JRTCError) Promise.resolve(new JRTCFailure(setup)).then((f) => client.emit('onError', f as never));
    return client;
  }

  /** Adds a listener of a JRTC event; returns its remover. */
  override on<K extends keyof JRTCEventCallbacks>(event: K, listener: JRTCEventCallbacks[K]): () => void;
  /** Adds a listener of an event an add-on bundle brings (the calls bundle's CallInvited, ...). */
  override on<K extends keyof JRTCExtraEvents>(event: K, listener: JRTCExtraEvents[K]): () => void;
  /** Adds a listener of the custom signals named `customEventName`. */
  override on(customEventName: string, listener: (signal: JRTCSignal) => void): () => void;
  override on(event: string, listener: (payload: never) => void): () => void {
    return super.on(event as 'signal', listener);
  }

  /** Adds a listener that runs once. */
  override once<K extends keyof JRTCEventCallbacks>(event: K, listener: JRTCEventCallbacks[K]): () => void;
  override once(customEventName: string, listener: (signal: JRTCSignal) => void): () => void;
  override once(event: string, listener: (payload: never) => void): () => void {
    return super.once(event as 'signal', listener);
  }

  /** Removes a listener added with `on`. */
  override off(event: string, listener: (payload: never) => void): void {
    super.off(event as 'signal', listener);
  }

  /** Joins a room (enterRoomInfo as JRTC documents it) and resolves with the Room. */
  joinRoom(info: EnterRoomInfo): Promise<Room> {
    const inRoom = !!this.room;
    const join = this.join(info);
    // A second call while a join is pending gets the same promise, as the core gives it.
    if (this.joining && this.joining[0] === join) return this.joining[1];
    const answer = join.catch((err: unknown) => {
      const error = JRTCError.from(err);
      throw new JRTCFailure(error, inRoom && error.code === 'INVALID_STATE' ? JrtcCode.REPEAT_SUBMISSION : undefined);
    });
    this.joining = [join, answer];
    return answer;
  }

  /**
   * Becomes anchor (1) or audience (2). As an anchor you publish at once: `publishUrl` is your push URL
   * for `<live-pusher>` ('' as audience); `pullUrl` the first other anchor's stream ('' when nobody
   * else is on stage), also one that has not started: it plays once it does (see `subscribe`).
   */
  setRole(roleType: Role): Promise<JRTCReply<{ data: { publishUrl: string; pullUrl: string; role: Role } }>> {
    return this.reply(async (room) => {
      const { role } = await room.setRole(roleType);
      const [publishUrl, streams] = await Promise.all([role === 1 ? room.publish() : '', this.others(room)]);
      return { data: { publishUrl, pullUrl: streams.length ? streams[0].url : '', role } };
    });
  }

  /** Publishes your audio (anchors): `url` is the push URL for `<live-pusher>`. */
  publish(): Promise<JRTCReply<{ url: string }>> {
    return this.reply(async (room) => ({ url: await room.publish() }));
  }

  /**
   * The other anchors' streams: `url` the first one's pull URL for `<live-player>` ('' when nobody else
   * is on stage), `streams` all of them (one `<live-player>` each). An anchor who has not started
   * publishing is listed too (`publishing: false`): its URL plays its stream once it starts, and
   * `StreamPublished` says when, with a fresh URL to (re)start a player that gave up meanwhile.
   */
  subscribe(): Promise<JRTCReply<{ url: string; streams: PullStream[] }>> {
    return this.reply(async (room) => {
      const streams = await this.others(room);
      return { url: streams.length ? streams[0].url : '', streams };
    });
  }

  /** Every anchor; `hasAudio` while it publishes unmuted. */
  getBroadcasterList(): Promise<JRTCReply<{ data: Array<JRTCUser & { hasAudio: boolean }> }>> {
    return this.reply(async (room) => {
      const anchors = await room.getBroadcasterList();
      const muted = (m: Member) => m.stream.muted || (room.allMuted && m.userId !== room.ownerUserId);
      return { data: anchors.map((m) => Object.assign(toUser(m, room.userRoomId), { hasAudio: m.stream.publishing && !muted(m) })) };
    });
  }

  /**
   * The audience, ordered by userId: the first page (up to 100), or the one after `cursor`.
   * `nextCursor` (ours) is null on the last page.
   */
  getAudienceList(page: { cursor?: string; pageSize?: number } = { pageSize: 100 }): Promise<JRTCReply<{ data: JRTCUser[]; nextCursor: string | null }>> {
    return this.reply(async (room) => {
      const { members, nextCursor } = await room.getAudienceList(page);
      return { data: members.map((m) => toUser(m, room.userRoomId)), nextCursor };
    });
  }

  /** Exact member counts, from the server. */
  getRoomMemberCount(): Promise<JRTCReply<{ data: { total: number; broadcasterCount: number; audienceCount: number } }>> {
    return this.reply(async (room) => ({ data: await room.getRoomMemberCount() }));
  }

  /** Sends a custom signal to everyone in the room: they hear the event named `customEventName`. */
  customSignalToRoom(signal: { customEventName: string; data?: unknown }): Promise<JRTCReply<{ data: JRTCSignal }>> {
    return this.reply((room) => {
      check(isObject(signal), 'signal');
      return this.signal(room, signal.customEventName, signal.data);
    });
  }

  /** Sends a custom signal to one member (`targetUserId`): it hears the event named `customEventName`. */
  customSignalToPeer(signal: { targetUserId: string | number; customData: { customEventName: string; data?: unknown } }): Promise<JRTCReply<{ data: JRTCSignal }>> {
    return this.reply((room) => {
      check(isObject(signal) && isObject(signal.customData), 'signal');
      const to = typeof signal.targetUserId === 'number' ? String(signal.targetUserId) : signal.targetUserId;
      check(isId(to), 'targetUserId');
      return this.signal(room, signal.customData.customEventName, signal.customData.data, to);
    });
  }

  /** Leaves the room (or cancels a pending join); resolves `{code: 200, data: ''}` also when not in one. */
  async leaveRoom(): Promise<JRTCReply<{ data: '' }>> {
    try {
      await this.leave();
      return { code: 200, data: '', reason: '' };
    } catch (err) {
      throw JRTCFailure.from(err);
    }
  }

  /** @internal */
  protected override adopted(room: Room): void {
    bridgeRoom(room, {
      event: (name, payload) => this.emit(name as 'signal', payload as never),
      signal: (name, signal) => this.emit(name as 'signal', signal as never),
    });
  }

  /** Runs a JRTC-form call on the joined room: its fields with code 200, or a JRTCFailure. */
  private async reply<T>(work: (room: Room) => Promise<T>): Promise<JRTCReply<T>> {
    try {
      return Object.assign({ code: 200 as const, reason: '' }, await work(this.joined()));
    } catch (err) {
      throw JRTCFailure.from(err);
    }
  }

  /** The publishing anchors but you. */
  private async others(room: Room): Promise<PullStream[]> {
    return (await room.subscribe()).filter((s) => s.userId !== room.userId);
  }

  private async signal(room: Room, name: string, data: unknown, toUserId?: string): Promise<{ data: JRTCSignal }> {
    checkEventName(name);
    const payload = data === undefined ? null : data;
    await room.sendSignal({ type: name, payload, toUserId });
    return { data: { eventName: name, nickName: room.nickName, userId: room.userId, data: payload } };
  }
}
