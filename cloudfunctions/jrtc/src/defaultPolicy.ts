/**
 * The policy the jrtc function runs unless the deployment brings its own module,
 * `cloudfunctions/jrtc/policy.ts` (docs/deploy.md "Your policy"): the build resolves the import
 * `jrtc-policy` to that file when it exists and to this one otherwise (tsconfig.json `paths`).
 */
import { ErrorCode, ProtocolError } from '../../../shared';
import type { IssuePolicy } from './deps';
import { readUser } from './userRecord';

/**
 * Anyone may get a token for any room, for a userId that is unbound or bound to the caller's OPENID
 * (IDENTITY_MISMATCH otherwise, so a token is never minted that joinRoom would refuse); with binding
 * off, for any userId. JRTC_USER_IDS and JRTC_TOKEN_TTL_SECONDS are enforced before any policy runs.
 *
 * Owner grants (`request.owner`) are decided before it by JRTC_OWNER_GRANTS, except in its `policy`
 * mode, which hands them to the policy module: this default grants none then.
 */
export const policy: IssuePolicy = async (request, { db, config }) => {
  if (request.owner && config.ownerGrants.mode === 'policy') return false;
  if (!config.bindUserToOpenid) return true;
  const user = await readUser(db, request.appId, request.userId);
  if (user?.openid !== undefined && user.openid !== request.caller.OPENID) {
    throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this userId is bound to another WeChat user');
  }
  return true;
};
