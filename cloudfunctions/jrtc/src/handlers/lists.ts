/**
 * Read-only roster queries. Each authenticates the caller, sweeps the room's ghosts so the answer is
 * fresh, then reads. The audience is paged: an audience client never loads the whole room.
 */
import { countMembers } from '../roster';
import { Collections, Limits, Role } from '../../../../shared';
import type { Member } from '../../../../shared';
import type { DocData } from '../../../../shared/ports';
import { toPublicMember } from '../records';
import { authenticate } from '../session';
import { trySweepRoom } from '../sweep';
import type { SessionRef } from '../session';
import type { HandlerContext, Handler } from './types';

/** Authenticates, then sweeps the room's ghosts (handlers/index.ts roomSweeps: own); returns the room key. */
async function enterRoom(ref: SessionRef, { caller, deps }: HandlerContext): Promise<string> {
  const session = await authenticate(deps.db, caller, ref, deps.clock.now());
  await trySweepRoom(deps, session.roomKey);
  return session.roomKey;
}

function toMembers(docs: DocData[]): Member[] {
  return docs.map((doc) => toPublicMember(doc));
}

/** getBroadcasterList: the room's anchors (at most Limits.pageSizeMax), ordered by joinedAt then userId. */
export const getBroadcasterList: Handler<'getBroadcasterList'> = async (request, ctx) => {
  const roomKey = await enterRoom(request, ctx);
  const { data } = await ctx.deps.db
    .collection(Collections.members)
    .where({ roomKey, role: Role.ANCHOR })
    .orderBy('joinedAt', 'asc')
    .orderBy('userId', 'asc')
    .limit(Limits.pageSizeMax)
    .get();
  return { members: toMembers(data) };
};

/**
 * getAudienceList: one page of the audience ordered by userId. `cursor` is the last userId of the
 * previous page; `nextCursor` is null on the last page (one extra document is read to know).
 */
export const getAudienceList: Handler<'getAudienceList'> = async (request, ctx) => {
  const roomKey = await enterRoom(request, ctx);
  const pageSize = request.pageSize ?? Limits.pageSizeDefault;
  const _ = ctx.deps.db.command;
  const condition: Record<string, unknown> = { roomKey, role: Role.AUDIENCE };
  if (request.cursor !== undefined) condition.userId = _.gt(request.cursor);
  const { data } = await ctx.deps.db
    .collection(Collections.members)
    .where(condition)
    .orderBy('userId', 'asc')
    .limit(pageSize + 1)
    .get();
  const members = toMembers(data.slice(0, pageSize));
  const nextCursor = data.length > pageSize ? members[members.length - 1].userId : null;
  return { members, nextCursor };
};

/**
 * getRoomMemberCount: counted from the member documents, the source of truth (two indexed counts in
 * parallel), so it is exact at every moment, even while the room document's counts catch up after a
 * burst (roster.ts).
 */
export const getRoomMemberCount: Handler<'getRoomMemberCount'> = async (request, ctx) => {
  const roomKey = await enterRoom(request, ctx);
  const { broadcasterCount, audienceCount } = await countMembers(ctx.deps.db, roomKey);
  return { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
};
