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
import { call } from './call';
import { acceptCall, endCall, getCall } from './callParty';
import { listenCalls } from './listenCalls';
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
  listenCalls,
  call,
  acceptCall,
  endCall,
  getCall,
};

/**
 * Which actions the router follows with a sweep of the ghosts of the room they name, once they
 * succeeded (router.ts; sweep.ts trySweepRoom, spaced out by the instance's SweepGate): `after`.
 * `own`: the handler sweeps at its own moment: joinRoom alongside its commit, the roster reads right
 * after authenticating (so the answer is fresh, and a refused read changes nothing). `none`: no room
 * session (issueToken).
 */
export const roomSweeps: { [A in ActionName]: 'after' | 'own' | 'none' } = {
  issueToken: 'none',
  joinRoom: 'own',
  leaveRoom: 'after',
  setRole: 'after',
  publish: 'after',
  unpublish: 'after',
  subscribe: 'own',
  heartbeat: 'after',
  getBroadcasterList: 'own',
  getAudienceList: 'own',
  getRoomMemberCount: 'own',
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
  listenCalls: 'none',
  call: 'after',
  // Name a call, not a room session: the call's room is swept by its members' own calls.
  acceptCall: 'none',
  endCall: 'none',
  getCall: 'none',
};

export type { Handler, HandlerContext } from './types';
