// pages/callVoip/callVoip.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import { Calls, VoipChat } from '../../lib/jrtc-calls.min';

const client = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
let calls: Calls | undefined;
let chat: VoipChat | undefined;

Page({
  data: { inChat: [] as string[], speaking: '', note: '' },

  async onLoad() {
    const token = { ...(await getToken('agent', 'inbox')), userRoomId: 'inbox' };
    calls = await Calls.listen(client, { userId: 'agent', nickName: 'Agent', token });
  },

  // Rings a customer on WeChat's own VoIP: no <live-pusher>, no media server, ten people at most.
  async ring(customerId: string) {
    const token = await getToken('agent', 'call-42');
    await calls!.call({ appId, userId: 'agent', role: 1, userRoomId: 'call-42', ...token, backend: 'voip', callees: [customerId] });
    chat = new VoipChat(client.room!, wx);
    chat.on('membersChanged', (userIds) => this.setData({ inChat: userIds }));
    chat.on('speakersChanged', (userIds) => this.setData({ speaking: userIds.join(', ') }));
    chat.on('interrupted', () => this.setData({ note: 'Paused: back in a moment' }));
    await chat.join(); // signed by the function (cloud.getVoIPSign), checked by WeChat
  },

  async hangUp(callId: string) {
    await calls!.hangUp(callId); // leaving the room leaves its chat
  },
});
