/**
 * One page's link to its room: joins with a token from issueToken, keeps the stage (seats, pull
 * URLs, counts, active speaker, connection state) in the page's data from the SDK's events, puts
 * your own `<live-pusher>` on when you are an anchor, and passes the media components' events to
 * the SDK's handlers, and renews the token before it expires (renewal.ts). Scenario pages add their
 * own controls on top (`stage.room`).
 *
 * What JD Cloud JRTC's API covers goes through the client as a JRTC page writes it (`jrtcMiniapp`):
 * init, joinRoom, setRole(1) (its publishUrl is your pusher's), publish, leaveRoom then destroy, and
 * the roster and stream events (UserJoinedRoom, UserLeavedRoom, UserModifyRole, StreamPublished,
 * StreamUnpublished, GlobalMute, CancelGlobalMute). The Room (our extension) serves the rest: the
 * roster itself (`room.members`) and live counts (countsChanged), your own mute, the media handlers
 * and what they report (fresh URLs, the active speaker), the connection state, kicks, token renewal
 * and the scenario pages' room control.
 */
import JRTCMiniappClient, { JRTCError } from '../lib/jrtc-miniapp.min';
import type { CloudLike, ConnectionState, Member, MemberCount, Room } from '../lib/jrtc-miniapp.min';
import { VoipChat } from '../lib/jrtc-calls.min';
import type { VoipPlatform } from '../lib/jrtc-calls.min';
import { demoConfig } from './config';
import { describeError } from './errors';
import { MediaBridge } from './media';
import type { MediaEvent } from './media';
import type { RoomEntry } from './query';
import { renewTokens } from './renewal';
import { seatsOf } from './seats';
import type { Seat } from './seats';
import { issueToken } from './token';
import type { IssuedToken, TokenRequest } from './token';

/** What a Stage keeps in its page's data. */
export interface StageData {
  /** `joining` until the room is joined, then the SDK's connection state. */
  state: 'joining' | ConnectionState;
  /** The last failure or the reason the room ended, for the page to show ('' when none). */
  notice: string;
  userId: string;
  /** 1 anchor (on stage), 2 audience. */
  role: number;
  /** Your `<live-pusher>`'s URL: '' while you are not publishing. */
  pushUrl: string;
  /** Your microphone is off (your own mute or the owner's): bind `<live-pusher muted>` to it. */
  muted: boolean;
  seats: Seat[];
  counts: MemberCount;
  /** userId of the loudest voice, '' when silence. */
  speaker: string;
  /** You own the room (you arrived first, or joined with an owner grant). */
  owner: boolean;
  /** The owner muted the whole room (muteAll): every microphone but the owner's is off. */
  allMuted: boolean;
  /**
   * How the room's audio travels: 'rtmp' and 'trtc' on `<live-pusher>` / `<live-player>` (trtc with a
   * 0.2 / 0.8 s player cache), 'voip' on WeChat's VoIP chat (no components).
   */
  backend: string;
  /** On 'voip': the members in the chat (userIds). */
  inChat: string[];
}

/** The data a page starts with, before the room is joined. */
export function initialStageData(): StageData {
  return {
    state: 'joining',
    notice: '',
    userId: '',
    role: 2,
    pushUrl: '',
    muted: false,
    seats: [],
    counts: { total: 0, broadcasterCount: 0, audienceCount: 0 },
    speaker: '',
    owner: false,
    allMuted: false,
    backend: 'rtmp',
    inChat: [],
  };
}

/** A page's room session (see the file comment). */
export class Stage {
  private jrtc?: JRTCMiniappClient;
  private current?: Room;
  private media?: MediaBridge;
  private urls: Record<string, string> = {};
  private speaker = '';
  private pushUrl = '';
  /** Your member as the server last returned it (a call's reply can be newer than the roster). */
  private own?: Member;
  /** Publishes on their way (setRole(1) or publish()): a role change meanwhile must not publish again. */
  private publishing = 0;
  private left = false;
  private offs: Array<() => void> = [];
  /** The room's VoIP chat, on 'voip' rooms. */
  private chat?: VoipChat;
  private inChat: string[] = [];

  /**
   * `cloud` is read by the page once, at load (`wx.cloud`), so that every call of this page goes
   * through the same client; `render` is the page's setData; `voip` the VoIP chat APIs, also read
   * at load (utils/cloud.ts platformVoip), for rooms on WeChat VoIP.
   */
  constructor(
    private readonly cloud: CloudLike,
    private readonly render: (patch: Partial<StageData>) => void,
    private readonly voip?: VoipPlatform,
  ) {}

  /** The joined room (undefined before the join resolved and after leave). */
  get room(): Room | undefined {
    return this.current;
  }

  /** The page's JRTC client, for the JRTC form's calls and events (undefined before the join and after leave). */
  get jrtcMiniapp(): JRTCMiniappClient | undefined {
    return this.jrtc;
  }

  /**
   * Gets a token, joins `entry`'s room with `role` and starts following it. Resolves with the room,
   * or with undefined when the page left meanwhile; a failure is also shown as the notice. `owner`:
   * the token asks for an owner grant, so that you own the room whoever arrived first.
   */
  async join(entry: RoomEntry, role: 1 | 2, owner = false): Promise<Room | undefined> {
    this.render({ state: 'joining', notice: '', userId: entry.userId });
    // Synchronous, as in JRTC: options that cannot work make the calls below reject (the notice).
    const jrtcMiniapp = JRTCMiniappClient.init({ ...demoConfig, cloud: this.cloud });
    this.jrtc = jrtcMiniapp;
    try {
      const asked: TokenRequest = { appId: demoConfig.appId, userRoomId: entry.userRoomId };
      if (entry.userId) asked.userId = entry.userId;
      // Only the join asks for the owner grant: the renewals' tokens (which a rejoin uses) must not
      // take the room back from whoever the owner handed it to since.
      const token = await this.joinToken(asked, owner);
      if (this.left) return this.stopClient();
      const request = { ...asked, userId: token.userId };
      this.render({ userId: token.userId });
      const room = await jrtcMiniapp.joinRoom({ ...token, role, nickName: entry.nickName || token.userId });
      if (this.left) return this.stopClient();
      this.follow(jrtcMiniapp, room);
      this.renewFor(room, request);
      return room;
    } catch (err) {
      if (!this.left) this.render({ state: 'disconnected', notice: describeError(err) });
      throw err;
    }
  }

  /**
   * A token for the join. A deployment that grants no owner tokens to this caller (JRTC_OWNER_GRANTS,
   * `none` by default) answers POLICY_DENIED to `owner`: the page then joins without the grant, and
   * owns the room only if it creates it.
   */
  private async joinToken(asked: TokenRequest, owner: boolean): Promise<IssuedToken> {
    if (!owner) return issueToken(this.cloud, asked);
    try {
      return await issueToken(this.cloud, { ...asked, owner });
    } catch (err) {
      if (err instanceof JRTCError && err.code === 'POLICY_DENIED') return issueToken(this.cloud, asked);
      throw err;
    }
  }

  /**
   * Follows a room another part of the page joined with its own client (a call's room: the SDK's
   * Calls join it on call / accept), renewing its token as `join` does. The client stays its
   * owner's: `release` lets go of the room without leaving it or destroying the client.
   */
  adopt(jrtcMiniapp: JRTCMiniappClient, room: Room, request: TokenRequest): void {
    if (this.left) return;
    this.jrtc = jrtcMiniapp;
    this.render({ userId: room.userId, notice: '' });
    this.follow(jrtcMiniapp, room);
    this.renewFor(room, request);
  }

  /** Stops following an adopted room (its owner leaves it) and stops updating the page. */
  release(): void {
    this.left = true;
    this.leaveChat();
    this.offs.forEach((off) => off());
    this.offs = [];
    this.current = undefined;
    this.jrtc = undefined;
    this.media = undefined;
  }

  /** Leaves the room (or cancels the join on its way) and stops updating the page. */
  async leave(): Promise<void> {
    this.left = true;
    this.leaveChat();
    this.offs.forEach((off) => off());
    this.offs = [];
    this.current = undefined;
    await this.stopClient();
  }

  /** Shows a failed call of the page's controls. */
  report(err: unknown): void {
    if (!this.left) this.render({ notice: describeError(err) });
  }

  /** Redraws everything that derives from the roster (call after changes the SDK has no event for). */
  refresh(): void {
    const room = this.current;
    if (!room || this.left) return;
    const listed = room.members.filter((m) => m.userId === room.userId)[0];
    // Whichever of the roster's copy and the last reply is newer says whether your microphone is off.
    if (listed && (!this.own || listed.version >= this.own.version)) this.own = listed;
    const owner = room.ownerUserId === room.userId;
    const allMuted = room.allMuted;
    this.render({
      state: room.state,
      role: room.role,
      pushUrl: this.pushUrl,
      // Off for your own or the owner's mute of you, and for the room-wide one unless you own the room.
      muted: Boolean(this.own && this.own.stream.muted) || (allMuted && !owner),
      seats: seatsOf(room.members, room.userId, this.urls, this.speaker, { allMutedBut: allMuted ? room.ownerUserId : undefined }),
      counts: room.counts,
      speaker: this.speaker,
      owner,
      allMuted,
      backend: room.backend,
      inChat: this.inChat,
    });
  }

  /**
   * Runs one of the page's controls on the joined room, then redraws. A failure is shown as the
   * notice and resolves with undefined, as does a call before the join or after leaving.
   */
  async run<T>(action: (room: Room) => Promise<T>): Promise<T | undefined> {
    const room = this.current;
    if (!room) return undefined;
    try {
      const result = await action(room);
      this.refresh();
      return result;
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  /** Mutes or unmutes your microphone (the owner's mute, if any, stays). */
  async setMuted(muted: boolean): Promise<void> {
    if (this.chat) await this.chat.setMuted(muted).catch((err: unknown) => this.report(err));
    const member = await this.run((room) => room.setMuted(muted));
    if (member && (!this.own || member.version >= this.own.version)) {
      this.own = member;
      this.refresh();
    }
  }

  /**
   * Takes the stage with the JRTC form's setRole(1), which publishes at once: its publishUrl is your
   * `<live-pusher>`'s. Resolves true once on stage; a refusal (STAGE_FULL, ROLE_FORBIDDEN) is the notice.
   */
  async goOnStage(): Promise<boolean> {
    const jrtcMiniapp = this.jrtc;
    const room = this.current;
    if (!jrtcMiniapp || !room) return false;
    this.publishing += 1;
    try {
      const { data } = await jrtcMiniapp.setRole(1);
      if (this.current === room && room.role === 1) this.pushUrl = data.publishUrl;
      return data.role === 1;
    } catch (err) {
      this.report(err);
      return false;
    } finally {
      this.publishing -= 1;
      this.refresh();
    }
  }

  /** Bind `<live-pusher>`'s statechange, audiovolumenotify and error here. */
  onPusherEvent(event: MediaEvent): void {
    if (this.media) this.media.pusher(event);
  }

  /** Bind each `<live-player>`'s events here, with the player's userId. */
  onPlayerEvent(userId: string, event: MediaEvent): void {
    if (this.media) this.media.player(userId, event);
  }

  private follow(jrtcMiniapp: JRTCMiniappClient, room: Room): void {
    this.current = room;
    this.media = new MediaBridge(room);
    const redraw = (): void => this.refresh();
    this.offs.push(
      // The JRTC form's events: who came, went, changed role, and the streams with their pull URLs.
      // The seats themselves are drawn from the Room's roster (`room.members`), these say when.
      jrtcMiniapp.on('UserJoinedRoom', redraw),
      jrtcMiniapp.on('UserLeavedRoom', (user) => {
        delete this.urls[user.userId];
        redraw();
      }),
      jrtcMiniapp.on('UserModifyRole', (user) => {
        if (user.userId === room.userId) this.syncRole().catch((err: unknown) => this.report(err));
        redraw();
      }),
      jrtcMiniapp.on('StreamPublished', (stream) => {
        this.urls[stream.userId] = stream.url;
        redraw();
      }),
      jrtcMiniapp.on('StreamUnpublished', (user) => {
        delete this.urls[user.userId];
        redraw();
      }),
      jrtcMiniapp.on('GlobalMute', redraw),
      jrtcMiniapp.on('CancelGlobalMute', redraw),
      // The Room's, where the JRTC form has no equivalent.
      room.on('pullUrlChanged', (userId, url) => {
        this.urls[userId] = url;
        redraw();
      }),
      room.on('pushUrlChanged', (url) => {
        if (!this.pushUrl) return;
        this.pushUrl = url;
        redraw();
      }),
      room.on('activeSpeakerChanged', (userId) => {
        this.speaker = userId || '';
        redraw();
      }),
      // Mute flags and hands arrive as updates; the roster's first load (your own seat) as rosterSynced.
      room.on('memberUpdated', redraw),
      room.on('rosterSynced', redraw),
      room.on('countsChanged', redraw),
      room.on('ownerChanged', redraw),
      room.on('connectionStateChanged', (state, reason) => {
        if (state === 'disconnected') this.pushUrl = '';
        // A kick has its own notice (with the owner's reason), set by `kicked`.
        if (reason !== 'KICKED') this.render({ notice: state === 'disconnected' && reason ? `left the room: ${reason}` : '' });
        redraw();
      }),
      room.on('kicked', (reason) => this.render({ notice: `removed from the room${reason ? `: ${reason}` : ''}` })),
      // The Room's `error` rather than the client's onError: onError also reports the room's end and
      // its reconnecting, which the page words itself above (a kick with the owner's reason).
      room.on('error', (err) => this.report(err)),
    );
    this.refresh();
    this.syncRole().catch((err: unknown) => this.report(err));
  }

  /** Renews the room's token (for `request`'s room and user) until the page lets go of it. */
  private renewFor(room: Room, request: TokenRequest): void {
    this.offs.push(
      renewTokens({
        cloud: this.cloud,
        room,
        request,
        onFailure: (err, retrying) => this.renewalFailed(err, retrying),
        onRecovered: () => this.renewalRecovered(),
      }),
    );
  }

  /** A failed token renewal is the notice until a renewal goes through (or the session ends, with its own). */
  private renewalFailed(err: unknown, retrying: boolean): void {
    if (!this.left) this.render({ notice: `token renewal failed: ${describeError(err)}${retrying ? ' (retrying)' : ''}` });
  }

  /** Called only after a reported failure, so the notice cleared is the renewal's. */
  private renewalRecovered(): void {
    if (!this.left) this.render({ notice: '' });
  }

  /**
   * Publishes (the JRTC form's publish()) when you are an anchor without a push URL, as after joining
   * as one or being promoted; drops the URL when you left the stage.
   */
  private async syncRole(): Promise<void> {
    const room = this.current;
    const jrtcMiniapp = this.jrtc;
    if (!room || !jrtcMiniapp) return;
    if (room.backend === 'voip') return this.syncChat(room);
    if (room.role !== 1) {
      // On TRTC a page plays nothing before its pusher entered the room: a listener's enters receive-only.
      this.pushUrl = room.backend === 'trtc' ? (await room.subscribeReply({ userIds: [] })).enterUrl || '' : '';
      this.refresh();
      return;
    }
    if (this.pushUrl || this.publishing) return;
    this.publishing += 1;
    try {
      const { url } = await jrtcMiniapp.publish();
      if (this.current === room && room.role === 1) this.pushUrl = url;
    } finally {
      this.publishing -= 1;
    }
    this.refresh();
  }

  /** On a 'voip' room: in the chat (again, after a role change: a listener's microphone stays muted). */
  private async syncChat(room: Room): Promise<void> {
    if (!this.voip) return this.report(new Error('This phone has no WeChat VoIP chat (wx.joinVoIPChat)'));
    this.leaveChat();
    const chat = new VoipChat(room, this.voip);
    this.chat = chat;
    chat.on('membersChanged', (userIds) => {
      this.inChat = userIds;
      this.refresh();
    });
    chat.on('error', (err) => this.report(err));
    await chat.join();
  }

  private leaveChat(): void {
    if (this.chat) this.chat.leave().catch(() => undefined);
    this.chat = undefined;
    this.inChat = [];
  }

  /** As a JRTC page ends: leaveRoom (which also cancels a join on its way), then destroy (also when the leave failed). */
  private async stopClient(): Promise<undefined> {
    const jrtcMiniapp = this.jrtc;
    this.jrtc = undefined;
    this.media = undefined;
    if (jrtcMiniapp) {
      try {
        await jrtcMiniapp.leaveRoom();
      } finally {
        await jrtcMiniapp.destroy();
      }
    }
    return undefined;
  }
}
