// cloudfunctions/jrtc/policies/teachers.ts
/**
 * Teachers listed in a collection own their class rooms. `jrtc_teachers/{appId}:{userRoomId}` holds
 * `{ openids: [...] }`, written by your own admin tools (add the collection to your provisioning).
 * A listed teacher's issueToken with `owner: true` gets the owner grant for that room; anyone else
 * asking for one is refused; everyone gets ordinary tokens as the default policy decides.
 * Use it: JRTC_OWNER_GRANTS=policy, and `export { policy } from './policies/teachers';` in
 * cloudfunctions/jrtc/policy.ts.
 */
import type { IssuePolicy } from '../src/deps';
import { policy as defaultPolicy } from '../src/defaultPolicy';

/** The collection naming each class room's teachers. */
export const TEACHERS = 'jrtc_teachers';

export const policy: IssuePolicy = async (request, deps) => {
  if (!(await defaultPolicy({ ...request, owner: false }, deps))) return false;
  if (!request.owner) return true;
  const { data } = await deps.db
    .collection(TEACHERS)
    .where({ _id: `${request.appId}:${request.userRoomId}` })
    .limit(1)
    .get();
  const openids = data[0]?.openids;
  return Array.isArray(openids) && openids.includes(request.caller.OPENID);
};
