/** subscribe: signed pull URLs for the room's anchors, publishing or about to. */
import { Collections, ErrorCode, Limits, ProtocolError, Role } from '../../../../shared';
import { signPullUrls } from '../../../../shared/signers';
import { ConfigEnv, streamSignInput } from '../../../../shared/functionConfig';
import { pickDomain } from '../media';
import { memberDocSchema, parseDoc, readDoc } from '../records';
import { backendOf, trtcApp, trtcEnterUrl, trtcPlayUrlOf, voipJoin } from '../backends';
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
 *
 * On a `trtc` room each `url` is the anchor's `room://` play URL and `enterUrl` the caller's own
 * `room://` entry (anchor or audience privileges), unless `cdn` asks for the anchors' CDN relay
 * streams (signed as on `rtmp`); on a `voip` room `voip` is the chat to join.
 */
export const subscribe: Handler<'subscribe'> = async (request, { caller, deps }) => {
  const { config, db, clock } = deps;
  const session = await authenticate(db, caller, request, clock.now());
  const room = backendOf(session.presence);
  // A trtc room's audience on CDN pull reads the anchors' relay streams as an rtmp room's.
  const backend = room === 'trtc' && request.cdn === true ? 'rtmp' : room;
  let domain = '';
  if (backend === 'trtc') trtcApp(config);
  if (backend === 'rtmp') {
    domain = pickDomain(request.pullDomain, config.pullDomains, ConfigEnv.pullDomains);
    if (!config.pullKey) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no pull key configured (set ${ConfigEnv.pullKey})`);
  }
  await trySweepRoom(deps, session.roomKey); // fresh streams (handlers/index.ts roomSweeps: own)

  const _ = db.command;
  const condition: Record<string, unknown> = { roomKey: session.roomKey, role: Role.ANCHOR };
  if (request.userIds) condition.userId = _.in(request.userIds);
  const [{ data }, voip] = await Promise.all([
    db.collection(Collections.members).where(condition).orderBy('joinedAt', 'asc').limit(Limits.pageSizeMax).get(),
    backend === 'voip' ? voipJoin(deps, session.roomKey) : undefined,
  ]);

  const now = clock.now();
  const streams = data.map((doc) => {
    const member = parseDoc(memberDocSchema, doc, 'member');
    if (!member) throw new Error('query returned a null member');
    const { userId, stream } = member;
    const entry = { userId, streamId: stream.streamId, publishing: stream.publishing };
    if (backend === 'rtmp') {
      const input = streamSignInput(config, 'pull', domain, stream.streamId, now);
      const urls = signPullUrls(input);
      return { ...entry, url: urls.rtmp, urls, expiresAt: input.expireAt * 1000 };
    }
    // room:// play URLs carry no signature (the pusher's entry is what TRTC checks); VoIP has none.
    const url = backend === 'trtc' ? trtcPlayUrlOf(userId) : '';
    return { ...entry, url, urls: { rtmp: url, flv: url, hls: url }, expiresAt: now + config.urlTtlSeconds * 1000 };
  });
  if (backend === 'rtmp') return room === 'rtmp' ? { streams } : { streams, backend: room };
  if (voip) return { streams, backend, voip };
  // The caller's own privileges: an anchor when the query found it among the anchors, else (when the
  // query was narrowed to some userIds) as its member document says.
  const me = session.presence.userId;
  let role: Role = streams.some((s) => s.userId === me) ? Role.ANCHOR : Role.AUDIENCE;
  if (role === Role.AUDIENCE && request.userIds) role = (await readDoc(db, Collections.members, session.memberId, memberDocSchema))?.role ?? Role.AUDIENCE;
  return { streams, backend, enterUrl: trtcEnterUrl(config, session.roomKey, me, role, now).url };
};
