/** publish / unpublish: start or stop an anchor's stream, with a signed push URL for `<live-pusher>`. */
import { Collections, ErrorCode, ProtocolError, Role } from '../../../../shared';
import { signPushUrl } from '../../../../shared/signers';
import { ConfigEnv, streamSignInput } from '../../../../shared/functionConfig';
import { pickDomain } from '../media';
import type { CoreDeps } from '../deps';
import type { CallerContext } from '../../../../shared/ports';
import { runAsMember } from '../member';
import { toPublicMember } from '../records';
import type { MemberDoc } from '../records';
import type { SessionRef } from '../session';
import type { Handler } from './types';
import { backendOf, trtcApp, trtcEnterUrl, voipJoin } from '../backends';
import type { MediaBackend } from '../../../../shared';

/**
 * Sets the member's `stream.publishing` (a no-op write when unchanged); anchors only when starting.
 * `check` runs first, inside the transaction, with the session's backend: a refusal writes nothing.
 */
function setPublishing(
  deps: CoreDeps,
  caller: CallerContext,
  ref: SessionRef,
  publishing: boolean,
  check: (backend: MediaBackend) => void = () => undefined,
): Promise<{ member: MemberDoc; backend: MediaBackend }> {
  return runAsMember(deps, caller, ref, async (tx, { session, member: current }) => {
    const backend = backendOf(session.presence);
    if (publishing && current.role !== Role.ANCHOR) {
      throw new ProtocolError(ErrorCode.NOT_ANCHOR, 'only anchors may publish');
    }
    check(backend);
    if (current.stream.publishing === publishing) return { member: current, backend };
    const next: MemberDoc = { ...current, stream: { ...current.stream, publishing }, version: current.version + 1 };
    await tx.collection(Collections.members).doc(session.memberId).update({
      data: { stream: { publishing }, version: next.version },
    });
    return { member: next, backend };
  });
}

/**
 * publish: marks the anchor as publishing and answers what its page sends audio with, for the room's
 * backend (shared/actions.ts publish): a push URL signed until now + URL TTL (RTMP, or TRTC
 * `room://` with an anchor's privileges), or the VoIP chat to join. Configuration is checked first
 * (CONFIG_ERROR, DOMAIN_NOT_ALLOWED) so a refused call writes nothing.
 */
export const publish: Handler<'publish'> = async (request, { caller, deps }) => {
  const { config } = deps;
  let domain = '';
  const { member, backend } = await setPublishing(deps, caller, request, true, (backend) => {
    if (backend === 'trtc') trtcApp(config);
    if (backend !== 'rtmp') return;
    domain = pickDomain(request.pushDomain, config.pushDomains, ConfigEnv.pushDomains);
    if (!config.pushKey) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no push key configured (set ${ConfigEnv.pushKey})`);
  });
  const { streamId } = member.stream;
  const reply = { streamId, member: toPublicMember(member), backend };
  const now = deps.clock.now();
  if (backend === 'trtc') {
    const { url, expiresAt } = trtcEnterUrl(config, member.roomKey, member.userId, Role.ANCHOR, now, streamId);
    return { ...reply, pushUrl: url, expiresAt };
  }
  if (backend === 'voip') {
    const voip = await voipJoin(deps, member.roomKey).catch(async (err: unknown) => {
      // Nobody hears an anchor outside the chat: a join the platform would not sign publishes nothing.
      await setPublishing(deps, caller, request, false).catch(() => undefined);
      throw err;
    });
    return { ...reply, pushUrl: '', expiresAt: now + config.urlTtlSeconds * 1000, voip };
  }
  const input = streamSignInput(config, 'push', domain, streamId, now);
  return { ...reply, pushUrl: signPushUrl(input), expiresAt: input.expireAt * 1000 };
};

/** unpublish: marks the member as not publishing (any role; idempotent). */
export const unpublish: Handler<'unpublish'> = async (request, { caller, deps }) => {
  const { member } = await setPublishing(deps, caller, request, false);
  return { member: toPublicMember(member) };
};
