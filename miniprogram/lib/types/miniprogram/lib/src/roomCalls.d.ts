import type { ActionResponse } from '../../../shared/actions';
import type { Member, MemberCount } from '../../../shared/common';
import type { Role } from '../../../shared/constants';
import type { PullStream } from './events';
import { RoomBase } from './roomBase';
/** One page of the audience. */
export type AudiencePage = ActionResponse<'getAudienceList'>;
/** The seed's calls on a joined room. */
export declare class RoomCalls extends RoomBase {
    /** Becomes anchor (1) or audience (2), as the room's stage policy allows. Resolves with your member. */
    setRole(role: Role): Promise<Member>;
    /** Starts publishing (anchors only); resolves with the signed push URL for `<live-pusher>`. */
    publish(): Promise<string>;
    /** Stops publishing. */
    unpublish(): Promise<void>;
    /** Signed pull URLs, one per publishing anchor (or only those in `userIds`). */
    subscribe(options?: {
        userIds?: string[];
    }): Promise<PullStream[]>;
    /** Every anchor of the room, from the server. */
    getBroadcasterList(): Promise<Member[]>;
    /** One page of the audience, ordered by userId; pass the previous page's `nextCursor` for the next. */
    getAudienceList(options?: {
        cursor?: string;
        pageSize?: number;
    }): Promise<AudiencePage>;
    /** Exact member counts, from the server. */
    getRoomMemberCount(): Promise<MemberCount>;
}
