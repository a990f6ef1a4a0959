// pages/errors/errors.ts
import type JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import { ErrorCode, JrtcCode } from '../../lib/jrtc-miniapp.min';
import type { JRTCError, JRTCFailure, Room } from '../../lib/jrtc-miniapp.min';
declare const jrtcMiniapp: JRTCMiniappClient, room: Room; // hidden
Page({ // hidden
  data: { waitForInvite: false, notice: '' }, // hidden
  onLoad() { // hidden

jrtcMiniapp.setRole(1).catch((err: JRTCFailure) => {
  if (err.code === JrtcCode.UNAUTHORIZED) wx.showToast({ title: err.reason, icon: 'none' }); // 401
  if (err.errorCode === ErrorCode.ROLE_FORBIDDEN) this.setData({ waitForInvite: true });  // the precise cause
});
room.setRole(1).catch((err: JRTCError) => {         // the Room API
  if (err.is('STAGE_FULL')) this.setData({ notice: `the stage is full (${err.details?.maxAnchors} at most)` });
});
  }, // hidden
}); // hidden
