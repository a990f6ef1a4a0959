/** subscribe: signed pull URLs for the room's publishing anchors. */
import { Collections, ErrorCode, Limits, ProtocolError, Role } from '../../../../shared';
import { signPullUrls } from '../../../../shared/signers';
import { ConfigEnv, streamSignInput } from '../../../../shared/functionConfig';
import { pickDomain } from '../media';
import { memberDocSchema, parseDoc } from '../records';
import { authenticate } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';

/**
 * subscribe: one entry per publishing anchor of the room (the caller included, so a client sees the
 * whole stage; it skips its own stream), or only those named in `userIds`. `url` is the RTMP URL
 * that `<live-player mode="RTC">` plays; `urls` has the FLV and HLS forms too. Ordered by joinedAt.
 */
export const subscribe: Handler<'subscribe'> = async (request, { caller, deps }) => {
  const { config, db, clock } = deps;
  const domain = pickDomain(request.pullDomain, config.pullDomains, ConfigEnv.pullDomains);
  if (!config.pullKey) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no pull key configured (set ${ConfigEnv.pullKey})`);
  const session = await authenticate(db, caller, request, clock.now());
  await trySweepRoom(deps, session.roomKey); // fresh streams (handlers/index.ts roomSweeps: own)

  const _ = db.command;
  const condition: Record<string, unknown> = { roomKey: session.roomKey, role: Role.ANCHOR, 'stream.publishing': true };
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
    return { userId: member.userId, streamId: member.stream.streamId, url: urls.rtmp, urls, expiresAt: input.expireAt * 1000 };
  });
  return { streams };
};
