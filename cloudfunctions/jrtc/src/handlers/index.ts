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

/**
 * When the router sweeps the ghosts of the room an action names (router.ts, sweep.ts trySweepRoom,
 * spaced out by the instance's SweepGate): `before` the reads that answer with the roster, so the
 * answer is fresh; `after` the actions that change the room, once they settled; `none` where there
 * is no session (issueToken) or the handler sweeps at its own moment (joinRoom, alongside its commit).
 */
export const roomSweeps: { [A in ActionName]: 'before' | 'after' | 'none' } = {
  issueToken: 'none',
  joinRoom: 'none',
  leaveRoom: 'after',
  setRole: 'after',
  publish: 'after',
  unpublish: 'after',
  subscribe: 'before',
  heartbeat: 'after',
  getBroadcasterList: 'before',
  getAudienceList: 'before',
  getRoomMemberCount: 'before',
  setStagePolicy: 'after',
  inviteToStage: 'after',
  promote: 'after',
  demote: 'after',
  raiseHand: 'after',
  lowerHand: 'after',
  kick: 'after',
  mute: 'after',
  setMuted: 'after',
  sendSignal: 'after',
  renewToken: 'after',
  transferOwnership: 'after',
  muteAll: 'after',
};

export type { Handler, HandlerContext } from './types';
