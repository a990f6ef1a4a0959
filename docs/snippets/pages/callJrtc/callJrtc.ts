// pages/callJrtc/callJrtc.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import type { Calls } from '../../lib/jrtc-calls.min';
import '../../lib/jrtc-calls.min'; // adds the call methods and events to the client

let jrtcMiniapp: JRTCMiniappClient;
let calls: Calls; // kept for askToRingWhenClosed, which must run inside a tap

Page({
  data: { callId: '', ringing: false, pushUrl: '', src: '', notice: '' },
  async onLoad(query: Record<string, string>) {
    jrtcMiniapp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    jrtcMiniapp.on('CallInvited', (call) => this.setData({ callId: call.callId, ringing: true, notice: `${call.callerUserId} is calling` }));
    jrtcMiniapp.on('CallAccepted', () => this.setData({ ringing: false, notice: 'connected' }));
    jrtcMiniapp.on('CallEnded', (call, reason) => this.setData({ callId: '', ringing: false, pushUrl: '', src: '', notice: reason }));
    jrtcMiniapp.on('StreamPublished', (stream) => this.setData({ src: stream.url })); // the other side speaks
    // Your own userId (derived from your WeChat identity). Opened from a ring message
    // (?callId=...&appId=...), the watch finds the call still ringing: CallInvited fires.
    ({ data: calls } = await jrtcMiniapp.listenCalls({ nickName: query.nickName }));
  },
  async ring() { // bindtap: call customer-7 from room svc-42
    const { token, nonce, timestamp } = await getToken(calls.userId, 'svc-42');
    const { data: call } = await jrtcMiniapp.call({
      appId, token, nonce, timestamp, userId: calls.userId, userRoomId: 'svc-42',
      callees: ['customer-7'], data: { subject: 'order 42' },
    });
    if (call.state === 'ended') return this.setData({ notice: call.reason }); // busy, offline
    this.setData({ callId: call.callId, notice: 'ringing', pushUrl: (await jrtcMiniapp.publish()).url });
  },
  async answer() { // bindtap
    await jrtcMiniapp.acceptCall(this.data.callId); // joins the call's room as an anchor
    this.setData({ pushUrl: (await jrtcMiniapp.publish()).url, src: (await jrtcMiniapp.subscribe()).url });
  },
  decline() {
    return jrtcMiniapp.rejectCall(this.data.callId);
  },
  hangUp() { // declines, cancels or hangs up as the call stands, and leaves its room
    return jrtcMiniapp.hangUp(this.data.callId);
  },
  async allowRings() { // bindtap, e.g. on "ring me when the app is closed" after a call
    const allowed = await calls.askToRingWhenClosed(); // no await before it: WeChat wants the tap
    this.setData({ notice: allowed ? 'you will be rung once when the app is closed' : '' });
  },
  async history() {
    const { data: records } = await jrtcMiniapp.getCallRecords(20); // your calls, newest first
    this.setData({ records: records.map((r) => ({ callId: r.callId, with: r.parties.map((p) => p.userId), reason: r.reason })) });
  },
  onUnload() {
    return jrtcMiniapp.destroy(); // stops listening too
  },
});
