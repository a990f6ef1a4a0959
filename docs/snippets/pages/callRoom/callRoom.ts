// pages/callRoom/callRoom.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import type { Room } from '../../lib/jrtc-miniapp.min';
import { Calls } from '../../lib/jrtc-calls.min';

let client: JRTCMiniappClient;
let calls: Calls;

Page({
  data: { callId: '', parties: [] as Array<{ userId: string; state: string }>, pushUrl: '', players: {}, notice: '' },
  async onLoad(query: Record<string, string>) {
    client = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    calls = await Calls.listen(client, { nickName: query.nickName });
    calls.on('callInvited', (call) => this.setData({ callId: call.callId, notice: `${call.callerUserId} is calling` }));
    calls.on('callAccepted', (call) => this.setData({ parties: call.parties, notice: 'connected' }));
    calls.on('callUpdated', (call) => this.setData({ parties: call.parties })); // answered, declined, left, added
    calls.on('callEnded', (call, reason) => this.setData({ callId: '', pushUrl: '', players: {}, notice: reason }));
  },
  async ring() { // three callees at once: whoever answers joins the call's room
    const { token, nonce, timestamp } = await getToken(calls.userId, 'meet-7');
    const call = await calls.call({
      appId, token, nonce, timestamp, userId: calls.userId, userRoomId: 'meet-7',
      callees: ['ann', 'bob', 'cy'], ringSeconds: 45,
    });
    this.setData({ callId: call.callId, parties: call.parties }); // a busy or offline callee has ended already
    const room = client.room;
    if (room) await this.talk(room);
  },
  async answer() { // also joins a call in progress (after declining or leaving it)
    await this.talk(await calls.accept(this.data.callId));
  },
  async talk(room: Room) {
    room.on('streamPublished', (m, stream) => this.setData({ [`players.${m.userId}`]: stream.url }));
    room.on('streamUnpublished', (m) => this.setData({ [`players.${m.userId}`]: '' }));
    (await room.subscribe()).forEach((s) => this.setData({ [`players.${s.userId}`]: s.url }));
    this.setData({ pushUrl: await room.publish() });
  },
  async invite() { // calling again from the call's room adds callees to the same call
    await calls.call({ callees: ['dee'] });
  },
  hangUp() {
    return calls.hangUp(this.data.callId);
  },
  async history() {
    const records = await calls.records(20); // your own views, read straight from the database
    this.setData({ records: records.map((r) => ({ at: r.createdAt, talked: (r.endedAt ?? 0) - (r.answeredAt ?? r.endedAt ?? 0), reason: r.reason })) });
  },
  async onUnload() {
    await calls.stop();
    await client.destroy();
  },
});
