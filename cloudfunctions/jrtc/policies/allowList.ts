// cloudfunctions/jrtc/policies/allowList.ts
/**
 * An allow-list: only the WeChat users listed in the function's JRTC_ALLOWED_OPENIDS (comma-separated
 * OPENIDs, set in cloudbaserc.json or the console) get tokens at all. Owner grants stay with
 * JRTC_OWNER_GRANTS (e.g. `allow:<host openid>`).
 * Use it: `export { policy } from './policies/allowList';` in cloudfunctions/jrtc/policy.ts.
 */
import type { IssuePolicy } from '../src/deps';
import { policy as defaultPolicy } from '../src/defaultPolicy';

export const policy: IssuePolicy = async (request, deps) => {
  const allowed = (process.env.JRTC_ALLOWED_OPENIDS ?? '').split(',').map((s) => s.trim());
  return allowed.includes(request.caller.OPENID) && defaultPolicy(request, deps);
};
