import type { ActionResponse } from '../../../shared/actions';
import type { Member, MemberCount } from '../../../shared/common';
import { Limits } from '../../../shared/constants';
import type { Role } from '../../../shared/constants';
import type { PullStream } from './events';
import { RoomBase } from './roomBase';
import { check, checkOptional, isId, isObject, isRole } from './validate';

/** One page of the audience. */
export type AudiencePage = ActionResponse<'getAudienceList'>;

/** The seed's calls on a joined room. */
export class RoomCalls extends RoomBase {
  /** Becomes anchor (1) or audience (2), as the room's stage policy allows. Resolves with your member. */
  async setRole(role: Role): Promise<Member> {
    check(isRole(role), 'role');
    return this.adopt((await this.call('setRole', { role })).member);
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
    checkOptional(options.userIds, (ids) => Array.isArray(ids) && ids.length <= Limits.pageSizeMax && ids.every(isId), 'userIds');
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

  /** @internal Sets your role; the live layer opens or closes what depends on it. */
  protected setOwnRole(role: Role): void {
    this.currentRole = role;
  }
}
