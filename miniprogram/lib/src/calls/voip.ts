/**
 * A `voip` room's audio: WeChat's own VoIP chat (wx.joinVoIPChat), for calls of at most ten people
 * with no media server. The function signs the join for the caller (cloud.getVoIPSign): publish
 * signs an anchor's, subscribe a listener's (who joins with the microphone muted). The chat names
 * its members by OPENID; the room's members map them to userIds. Speakers become the room's
 * `activeSpeakerChanged`; an interruption (the app went to the background, a phone call) takes the
 * phone out of the chat, and it joins again when the app shows.
 */
import { JRTCError, TypedEmitter } from '../index';
import type { ActionResponse, Room } from '../index';

type Result = { errCode?: number; errMsg: string };
type Listener<R> = (result: R) => void;

/** The part of `wx` the VoIP chat uses (miniprogram-api-typings' shapes; `wx` satisfies it). */
export interface VoipPlatform {
  joinVoIPChat(option: {
    groupId: string;
    nonceStr: string;
    timeStamp: number;
    signature: string;
    roomType?: 'voice' | 'video';
    muteConfig?: { muteMicrophone?: boolean; muteEarphone?: boolean };
    success?: Listener<Result & { openIdList: string[] }>;
    fail?: Listener<Result>;
  }): unknown;
  exitVoIPChat(option?: { success?: Listener<Result>; fail?: Listener<Result> }): unknown;
  updateVoIPChatMuteConfig(option: { muteConfig: { muteMicrophone?: boolean; muteEarphone?: boolean }; success?: Listener<Result>; fail?: Listener<Result> }): unknown;
  onVoIPChatMembersChanged(listener: Listener<Result & { openIdList: string[] }>): void;
  offVoIPChatMembersChanged(listener?: Listener<Result & { openIdList: string[] }>): void;
  onVoIPChatSpeakersChanged(listener: Listener<Result & { openIdList: string[] }>): void;
  offVoIPChatSpeakersChanged(listener?: Listener<Result & { openIdList: string[] }>): void;
  onVoIPChatInterrupted(listener: Listener<Result>): void;
  offVoIPChatInterrupted(listener?: Listener<Result>): void;
  onAppShow?(listener: () => void): void;
  offAppShow?(listener: () => void): void;
}

/** A VoIP chat's events. */
export interface VoipEvents {
  /** The room's members in the chat now (userIds), after every join, leave and interruption. */
  membersChanged: (userIds: string[]) => void;
  /** Who speaks now (userIds); the first is also the room's `activeSpeakerChanged`. */
  speakersChanged: (userIds: string[]) => void;
  /** Out of the chat (background, a phone call): it joins again when the app shows. */
  interrupted: (errMsg: string) => void;
  /** A join or rejoin failed (WeChat's errCode in `details`). */
  error: (error: JRTCError) => void;
}

/** The mini program global, when there is one. */
declare const wx: VoipPlatform | undefined;

/** Calls a wx API in its callback form; resolves with success, rejects with a JRTCError carrying the errCode. */
function wxCall<R>(api: (o: { success: Listener<R>; fail: Listener<Result> }) => unknown): Promise<R> {
  return new Promise((success, fail) =>
    api({ success, fail: (r) => fail(new JRTCError('NETWORK', r.errMsg, { errCode: r.errCode })) }),
  );
}

/** A room's WeChat VoIP chat. Make one per room (`new VoipChat(room)`), then `join()`. */
export class VoipChat extends TypedEmitter<VoipEvents> {
  /** The room's members in the chat (userIds). */
  userIds: string[] = [];
  private members: Record<string, string> = {};
  private joined = false;
  private muted = false;
  private readonly stops: Array<() => void> = [];

  constructor(
    readonly room: Room,
    private readonly platform: VoipPlatform = (typeof wx !== 'undefined' ? wx : undefined) as VoipPlatform,
  ) {
    super();
  }

  /**
   * Joins the chat: as an anchor with the microphone open (the room then says you publish), as a
   * listener muted. Resolves with the members in it; rejects with WeChat's errCode in `details`
   * (-2 the microphone is busy, -1000 refused) or INVALID_STATE on a room not on `voip`. A phone still
   * in another chat (-1) leaves it and joins this one.
   */
  async join(): Promise<string[]> {
    const anchor = this.room.role === 1;
    const reply: ActionResponse<'publish' | 'subscribe'> = anchor ? await this.room.publishReply() : await this.room.subscribeReply({ userIds: [] });
    const v = reply.voip;
    if (!v) throw JRTCError.invalidState(`this room's audio is on ${reply.backend || 'rtmp'}, not voip`);
    this.members = v.members;
    this.muted = !anchor;
    if (!this.stops.length) this.listen();
    const p = this.platform;
    const join = (): Promise<Result & { openIdList: string[] }> =>
      wxCall((o) => p.joinVoIPChat({ ...o, roomType: 'voice', groupId: v.groupId, nonceStr: v.nonceStr, timeStamp: v.timeStamp, signature: v.signature, muteConfig: { muteMicrophone: this.muted } }));
    const res = await join().catch(async (err: JRTCError) => {
      // -1: this phone is still in a chat (a page closed without leaving it): leave that one, join once more.
      if ((err.details as Result).errCode !== -1) throw err;
      await wxCall((o) => p.exitVoIPChat(o)).catch(() => undefined);
      return join();
    });
    this.joined = true;
    await this.setMembers(res.openIdList);
    return this.userIds;
  }

  /** Opens or closes your microphone in the chat. */
  async setMuted(muted: boolean): Promise<void> {
    await wxCall((o) => this.platform.updateVoIPChatMuteConfig({ ...o, muteConfig: { muteMicrophone: muted } }));
    this.muted = muted;
  }

  /** Leaves the chat and stops following it; the room stays joined, and an anchor stops publishing there. */
  async leave(): Promise<void> {
    this.stops.splice(0).forEach((stop) => stop());
    const was = this.joined;
    this.joined = false;
    if (!was) return;
    await wxCall((o) => this.platform.exitVoIPChat(o)).catch(() => undefined);
    if (this.room.currentState !== 'disconnected' && this.room.role === 1) await this.room.unpublish().catch(() => undefined);
  }

  private listen(): void {
    const p = this.platform;
    const onMembers: Listener<{ openIdList: string[] }> = (r) => void this.setMembers(r.openIdList);
    const onSpeakers: Listener<{ openIdList: string[] }> = (r) => {
      const ids = r.openIdList.map((o) => this.members[o]).filter(Boolean);
      this.emit('speakersChanged', ids);
      this.room.emit('activeSpeakerChanged', ids[0] || null);
    };
    const onInterrupted: Listener<Result> = (r) => {
      this.joined = false;
      this.emit('interrupted', r.errMsg);
    };
    // Back in the foreground after an interruption: join again (a fresh signature).
    const onShow = (): void => {
      if (!this.joined && this.room.currentState !== 'disconnected') this.join().catch((e: JRTCError) => this.emit('error', e));
    };
    p.onVoIPChatMembersChanged(onMembers);
    p.onVoIPChatSpeakersChanged(onSpeakers);
    p.onVoIPChatInterrupted(onInterrupted);
    if (p.onAppShow) p.onAppShow(onShow);
    // Leaving the room leaves its chat.
    const offRoom = this.room.on('connectionStateChanged', (state) => {
      if (state === 'disconnected') void this.leave();
    });
    this.stops.push(
      () => p.offVoIPChatMembersChanged(onMembers),
      () => p.offVoIPChatSpeakersChanged(onSpeakers),
      () => p.offVoIPChatInterrupted(onInterrupted),
      () => p.offAppShow && p.offAppShow(onShow),
      offRoom,
    );
  }

  /** The chat's OPENIDs as userIds; an OPENID the room's list lacks (a member who joined since) refreshes it once. */
  private async setMembers(openids: string[]): Promise<void> {
    if (openids.some((o) => !this.members[o])) {
      const fresh = (await this.room.subscribeReply({ userIds: [] }).catch(() => null))?.voip;
      if (fresh) this.members = fresh.members;
    }
    this.userIds = openids.map((o) => this.members[o]).filter(Boolean);
    this.emit('membersChanged', this.userIds);
  }
}
