import type { ActionResponse } from '../../../shared/actions';
import type { Member, MemberCount, RoomSummary } from '../../../shared/common';
import { Limits } from '../../../shared/constants';
import type { Role, StagePolicy } from '../../../shared/constants';
import type { PullStream } from './events';
import { RoomBase } from './roomBase';
import { check, checkOptional, isId, isObject, isRole } from './validate';

/** What sendSignal sends: to the whole room, or to `toUserId` only. */
export interface SignalOptions {
  /** 1-32 of [A-Za-z0-9_.-], not starting with `jrtc.` (the service's own). */
  type: string;
  /** Any JSON value, at most 4,096 bytes serialised. */
  payload: unknown;
  toUserId?: string;
}

/** What the server says about a sent signal. */
export type SentSignal = ActionResponse<'sendSignal'>;

/** A fresh JRTC token for the same user and room (from your server). */
export interface TokenRenewal {
  token: string;
  nonce: string;
  timestamp: number;
}

/** One page of the audience. */
export type AudiencePage = ActionResponse<'getAudienceList'>;

/**
 * The calls of a joined room: the seed's (setRole, publish, subscribe, the lists and counts) and room
 * control, the owner's (stage policy, invitations, promote / demote, kick, admin mute,
 * transferOwnership) and every member's (raise hand, own mute, signals, token renewal). The server
 * decides who may: others than the owner get NOT_OWNER, a target not in the room TARGET_NOT_IN_ROOM.
 * Room control's arguments are checked by the server's schemas (BAD_REQUEST, nothing changed):
 * repeating those checks here would cost bundle size for calls that are rare and never on a hot path.
 */
export class RoomApi extends RoomBase {
  /** Becomes anchor (1) or audience (2), as the room's stage policy allows. Resolves with your member. */
  async setRole(role: Role): Promise<Member> {
    check(isRole(role), 'role');
    return this.adopt((await this.call('setRole', { role })).member);
  }

  /** Starts publishing (anchors only); resolves with the signed push URL for `<live-pusher>`. */
  async publish(): Promise<string> {
    return (await this.publishReply()).pushUrl;
  }

  /** publish's whole reply: the room's `backend`, and on `voip` the chat to join (`voip`). */
  publishReply(): Promise<ActionResponse<'publish'>> {
    return this.call('publish', { pushDomain: this.config.pushDomain });
  }

  /** Stops publishing. */
  async unpublish(): Promise<void> {
    await this.call('unpublish', {});
  }

  /** Signed pull URLs, one per publishing anchor (or only those in `userIds`). */
  async subscribe(options: { userIds?: string[] } = {}): Promise<PullStream[]> {
    return (await this.subscribeReply(options)).streams;
  }

  /**
   * subscribe's whole reply: the room's `backend`, on `trtc` the pusher's `enterUrl` (or with `cdn`
   * the anchors' CDN relay streams), on `voip` the chat to join.
   */
  subscribeReply(options: { userIds?: string[]; cdn?: boolean } = {}): Promise<ActionResponse<'subscribe'>> {
    check(isObject(options), 'options');
    checkOptional(options.userIds, (ids) => Array.isArray(ids) && ids.length <= Limits.pageSizeMax && ids.every(isId), 'userIds');
    return this.call('subscribe', { userIds: options.userIds, pullDomain: this.config.pullDomain, cdn: options.cdn });
  }

  /** Every anchor of the room, from the server. */
  async getBroadcasterList(): Promise<Member[]> {
    return (await this.call('getBroadcasterList', {})).members;
  }

  /** One page of the audience, ordered by userId; pass the previous page's `nextCursor` for the next. */
  async getAudienceList(options: { cursor?: string; pageSize?: number } = {}): Promise<AudiencePage> {
    check(isObject(options), 'options');
    checkOptional(options.cursor, isId, 'cursor');
    checkOptional(options.pageSize, (n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= Limits.pageSizeMax, 'pageSize');
    return this.call('getAudienceList', { cursor: options.cursor, pageSize: options.pageSize });
  }

  /** Exact member counts, from the server. */
  async getRoomMemberCount(): Promise<MemberCount> {
    return this.call('getRoomMemberCount', {});
  }

  /** @internal Takes the server's word on your own member (role), returns it. */
  protected adopt(member: Member): Member {
    if (member.userId === this.userId) this.setOwnRole(member.role);
    return member;
  }

  /** @internal Sets your role; the Room opens or closes what depends on it. */
  setOwnRole(role: Role): void {
    this.currentRole = role;
  }

  /**
   * (Owner) `open`: anyone may take the stage; `invite`: only those invited or promoted.
   * `maxAnchors` (1-100) caps the stage: taking it beyond answers STAGE_FULL (you, the owner,
   * excepted; nobody already on stage is removed); null removes the cap; omitted keeps it.
   */
  async setStagePolicy(policy: StagePolicy, maxAnchors?: number | null): Promise<RoomSummary> {
    return this.adoptRoom(await this.call('setStagePolicy', { policy, maxAnchors }));
  }

  /** (Owner) Invites a member on stage: it hears `invited` and may then setRole(1). */
  async inviteToStage(userId: string): Promise<Member> {
    return this.target('inviteToStage', userId);
  }

  /** (Owner) Makes a member an anchor at once. */
  async promote(userId: string): Promise<Member> {
    return this.adopt(await this.target('promote', userId));
  }

  /** (Owner) Makes a member audience again (its stream stops, its invitation is withdrawn). */
  async demote(userId: string): Promise<Member> {
    return this.adopt(await this.target('demote', userId));
  }

  /**
   * (Owner) Makes another member the room's owner; everyone hears `ownerChanged(userId)`. Naming
   * yourself changes nothing. Resolves with the room as it is then.
   */
  async transferOwnership(userId: string): Promise<RoomSummary> {
    return this.adoptRoom(await this.call('transferOwnership', { targetUserId: userId }));
  }

  /** Raises your hand: the owner and anchors hear `handRaised`. */
  async raiseHand(): Promise<Member> {
    return (await this.call('raiseHand', {})).member;
  }

  /** Lowers your hand (`handLowered` for the anchors). */
  async lowerHand(): Promise<Member> {
    return (await this.call('lowerHand', {})).member;
  }

  /** (Owner) Removes a member and revokes its token; it hears `kicked(reason)`. Resolves with the ban's end. */
  async kick(userId: string, reason?: string): Promise<ActionResponse<'kick'>> {
    return this.call('kick', { targetUserId: userId, reason });
  }

  /** (Owner) Mutes or unmutes a member; its own mute (setMuted) stays as it set it. */
  async mute(userId: string, muted: boolean): Promise<Member> {
    return (await this.call('mute', { targetUserId: userId, muted })).member;
  }

  /**
   * (Owner) Mutes or unmutes the whole room: everyone but you hears `allMutedChanged`, members who
   * join later included (`room.allMuted`). Each member's own and admin mute stay as they were.
   */
  async muteAll(muted: boolean): Promise<RoomSummary> {
    return this.adoptRoom(await this.call('muteAll', { muted }));
  }

  /** Mutes or unmutes yourself (bind `<live-pusher muted>` to it); the owner's mute stays as it set it. */
  async setMuted(muted: boolean): Promise<Member> {
    return (await this.call('setMuted', { muted })).member;
  }

  /** Sends a signal to the room or to one member; they hear `signal({from, type, payload})`. */
  async sendSignal(options: SignalOptions): Promise<SentSignal> {
    check(isObject(options), 'options');
    return this.call('sendSignal', { type: options.type, payload: options.payload as never, toUserId: options.toUserId });
  }

  /**
   * Hands the server a fresh token (on `tokenWillExpire`), so the session outlives the old one; a
   * later rejoin uses it too. Resolves with the new expiry (ms).
   */
  async renewToken(renewal: TokenRenewal): Promise<number> {
    check(isObject(renewal), 'renewal');
    const { token, nonce, timestamp } = renewal;
    return (await this.call('renewToken', { token, nonce, timestamp })).tokenExpiresAt;
  }

  /** @internal The room document a reply brings, taken at once; the room watch brings the same version later. */
  protected onRoom(_found: Record<string, unknown> | undefined): void {}

  private adoptRoom({ room }: { room: RoomSummary }): RoomSummary {
    this.onRoom(room);
    return room;
  }

  private async target(action: 'inviteToStage' | 'promote' | 'demote', userId: string): Promise<Member> {
    return (await this.call(action, { targetUserId: userId })).member;
  }
}
