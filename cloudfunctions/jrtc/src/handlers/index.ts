/** Every action's handler, by name. */
import type { ActionName } from '../../../../shared';
import { issueToken } from './issueToken';
import { joinRoom } from './joinRoom';
import { leaveRoom } from './leaveRoom';
import { getAudienceList, getBroadcasterList, getRoomMemberCount } from './lists';
import { heartbeat } from './heartbeat';
import { publish, unpublish } from './publish';
import { setRole } from './setRole';
import { subscribe } from './subscribe';
import type { Handler } from './types';

/** The handler of each action of shared/actions.ts (the mapped type makes a missing one a type error). */
export const handlers: { [A in ActionName]: Handler<A> } = {
  issueToken,
  joinRoom,
  leaveRoom,
  setRole,
  publish,
  unpublish,
  subscribe,
  heartbeat,
  getBroadcasterList,
  getAudienceList,
  getRoomMemberCount,
};

export { defaultIssuePolicy } from './issueToken';
export type { Handler, HandlerContext } from './types';
