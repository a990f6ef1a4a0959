/** Every action's handler, by name. */
import type { ActionName } from '../../../../shared';
import { issueToken } from './issueToken';
import { joinRoom } from './joinRoom';
import { leaveRoom } from './leaveRoom';
import { getAudienceList, getBroadcasterList, getRoomMemberCount } from './lists';
import { heartbeat } from './heartbeat';
import { lowerHand, raiseHand } from './hand';
import { kick } from './kick';
import { mute, muteAll, setMuted } from './mute';
import { publish, unpublish } from './publish';
import { renewToken } from './renewToken';
import { sendSignal } from './sendSignal';
import { setRole } from './setRole';
import { demote, inviteToStage, promote, setStagePolicy } from './stage';
import { subscribe } from './subscribe';
import { transferOwnership } from './transferOwnership';
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
  setStagePolicy,
  inviteToStage,
  promote,
  demote,
  raiseHand,
  lowerHand,
  kick,
  mute,
  setMuted,
  sendSignal,
  renewToken,
  transferOwnership,
  muteAll,
};

export { defaultIssuePolicy } from './issueToken';
export type { Handler, HandlerContext } from './types';
