// pages/stage/stage.ts (a stage on TRTC: anchors talk, everyone else listens)
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
declare const userId: string, role: 1 | 2; // hidden

Page({
  data: { enterUrl: '', players: [] as Array<{ userId: string; src: string }> },
  async onLoad() {
    const jrtcMiniapp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    const { token, nonce, timestamp } = await getToken(userId, 'stage-1');
    // `backend` counts when this join creates the room; a room that exists keeps its own.
    const room = await jrtcMiniapp.joinRoom({ appId, token, userId, role, nonce, timestamp, userRoomId: 'stage-1', backend: 'trtc' });
    const { streams, enterUrl } = await room.subscribeReply();
    // The page's <live-pusher> enters the TRTC room: an anchor with publish's room:// URL (sends and
    // receives), a listener with subscribe's enterUrl (receives only). No player plays before it is in.
    const url = role === 1 ? (await room.publishReply()).pushUrl : enterUrl ?? '';
    const players = streams.filter((s) => s.userId !== userId).map((s) => ({ userId: s.userId, src: s.url }));
    this.setData({ enterUrl: url, players });
  },
});
