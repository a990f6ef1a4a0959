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

/** Sets the member's `stream.publishing` (a no-op write when unchanged); anchors only when starting. */
function setPublishing(deps: CoreDeps, caller: CallerContext, ref: SessionRef, publishing: boolean): Promise<MemberDoc> {
  return runAsMember(deps, caller, ref, async (tx, { session, member: current }) => {
    if (publishing && current.role !== Role.ANCHOR) {
      throw new ProtocolError(ErrorCode.NOT_ANCHOR, 'only anchors may publish');
    }
    if (current.stream.publishing === publishing) return current;
    const next: MemberDoc = { ...current, stream: { ...current.stream, publishing }, version: current.version + 1 };
    await tx.collection(Collections.members).doc(session.memberId).update({
      data: { stream: { publishing }, version: next.version },
    });
    return next;
  });
}

/**
 * publish: marks the anchor as publishing and returns a push URL signed until now + URL TTL.
 * Configuration is checked first (CONFIG_ERROR, DOMAIN_NOT_ALLOWED) so a refused call writes nothing.
 */
export const publish: Handler<'publish'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const domain = pickDomain(request.pushDomain, config.pushDomains, ConfigEnv.pushDomains);
  if (!config.pushKey) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no push key configured (set ${ConfigEnv.pushKey})`);
  const member = await setPublishing(deps, caller, request, true);
  const input = streamSignInput(config, 'push', domain, member.stream.streamId, deps.clock.now());
  return { pushUrl: signPushUrl(input), streamId: member.stream.streamId, expiresAt: input.expireAt * 1000, member: toPublicMember(member) };
};

/** unpublish: marks the member as not publishing (any role; idempotent). */
export const unpublish: Handler<'unpublish'> = async (request, { caller, deps }) => {
  const member = await setPublishing(deps, caller, request, false);
  return { member: toPublicMember(member) };
};
