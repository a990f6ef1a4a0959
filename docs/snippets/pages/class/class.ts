// pages/class/class.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import type { Member, Room } from '../../lib/jrtc-miniapp.min';

let room: Room;
const urls: Record<string, string> = {}; // pull URL per publishing anchor

Component({
  data: { teacher: false, seats: [] as Array<{ userId: string; nickName: string; url: string }>, hands: [] as Member[],
          handRaised: false, invited: false, pushUrl: '', counts: { broadcasterCount: 0, audienceCount: 0 } },
  methods: {
    async onLoad(query: Record<string, string>) {
      const teacher = query.part === 'teacher';
      const client = JRTCMiniappClient.init({ appId, pushDomain, pullDomain }); // synchronous; uses wx.cloud
      const { token, nonce, timestamp } = await getToken(query.userId, query.room); // from your server
      room = await client.joinRoom({ appId, token, nonce, timestamp, userId: query.userId, userRoomId: query.room,
                                     role: teacher ? 1 : 2, nickName: query.nickName });
      const redraw = () => this.setData({
        seats: room.members.filter((m) => m.role === 1)
          .map((m) => ({ userId: m.userId, nickName: m.nickName, url: m.userId === room.userId ? '' : urls[m.userId] || '' })),
        hands: room.raisedHands, counts: room.counts, handRaised: this.data.handRaised && room.role === 2,
      });
      room.on('streamPublished', (m, stream) => { urls[m.userId] = stream.url; redraw(); });
      room.on('streamUnpublished', (m) => { delete urls[m.userId]; redraw(); });
      room.on('pullUrlChanged', (userId, url) => { urls[userId] = url; redraw(); });
      ['memberJoined', 'memberLeft', 'roleChanged', 'countsChanged', 'handRaised', 'handLowered']
        .forEach((e) => room.on(e as 'memberJoined', redraw));
      room.on('invited', () => this.setData({ invited: true }));        // (student) the teacher calls you up
      room.on('kicked', (reason) => wx.showToast({ title: `removed: ${reason || ''}`, icon: 'none' }));
      if (teacher) {
        await room.setStagePolicy('invite', 6);                        // owner only (token with owner: true); 6 anchors at most
        this.setData({ teacher, pushUrl: await room.publish() });
      }
      redraw();
    },
    async toggleHand() {                                               // (student)
      const me = this.data.handRaised ? await room.lowerHand() : await room.raiseHand();
      this.setData({ handRaised: me.handRaised === true });
    },
    async accept() {                                                   // (student) go on stage
      await room.setRole(1);                                           // ROLE_FORBIDDEN unless invited, STAGE_FULL when full
      this.setData({ invited: false, handRaised: false, pushUrl: await room.publish() });
    },
    invite(e: WechatMiniprogram.BaseEvent) { return room.inviteToStage(e.currentTarget.dataset.userId); }, // (teacher)
    promote(e: WechatMiniprogram.BaseEvent) { return room.promote(e.currentTarget.dataset.userId); },      // at once
    demote(e: WechatMiniprogram.BaseEvent) { return room.demote(e.currentTarget.dataset.userId); },        // back to seat
    onUnload() { room.leaveRoom(); },
  },
});
