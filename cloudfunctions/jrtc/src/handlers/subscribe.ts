/** subscribe: signed pull URLs for the room's anchors, publishing or about to. */
import { Collections, ErrorCode, Limits, ProtocolError, Role } from '../../../../shared';
import { signPullUrls } from '../../../../shared/signers';
import { ConfigEnv, streamSignInput } from '../../../../shared/functionConfig';
import { pickDomain } from '../media';
import { memberDocSchema, parseDoc } from '../records';
import { authenticate } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';

/**
 * subscribe: one entry per anchor on stage (the caller included, so a client sees the whole stage; it
 * skips its own stream), or only those named in `userIds`. `url` is the RTMP URL that
 * `<live-player mode="RTC">` plays; `urls` has the FLV and HLS forms too. Ordered by joinedAt.
 *
 * Anchors that do not publish yet are listed too, with `publishing: false`: their stream id is fixed
 * (streamIdOf), so the URL signed now plays their stream once it starts. A page that subscribes once,
 * right after joining, thus has a player for a caller who publishes a moment later; the player
 * retries a stream that has not started, and the SDK's StreamPublished restarts it when it gave up
 * (docs/media-start.md).
 */
export const subscribe: Handler<'subscribe'> = async (request, { caller, deps }) => {
  const { config, db, clock } = deps;
  const domain = pickDomain(request.pullDomain, config.pullDomains, ConfigEnv.pullDomains);
  if (!config.pullKey) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no pull key configured (set ${ConfigEnv.pullKey})`);
  const session = await authenticate(db, caller, request, clock.now());
  await trySweepRoom(deps, session.roomKey); // fresh streams (handlers/index.ts roomSweeps: own)

  const _ = db.command;
  const condition: Record<string, unknown> = { roomKey: session.roomKey, role: Role.ANCHOR };
  if (request.userIds) condition.userId = _.in(request.userIds);
  const { data } = await db
    .collection(Collections.members)
    .where(condition)
    .orderBy('joinedAt', 'asc')
    .limit(Limits.pageSizeMax)
    .get();

  const now = clock.now();
  const streams = data.map((doc) => {
    const member = parseDoc(memberDocSchema, doc, 'member');
    if (!member) throw new Error('query returned a null member');
    const input = streamSignInput(config, 'pull', domain, member.stream.streamId, now);
    const urls = signPullUrls(input);
    return { userId: member.userId, streamId: member.stream.streamId, publishing: member.stream.publishing, url: urls.rtmp, urls, expiresAt: input.expireAt * 1000 };
  });
  return { streams };
};
