// pages/room/room.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';

// appId, pushDomain, pullDomain: your deployment's; getToken(userId, userRoomId): {token, nonce, timestamp} from
// your server (the demo asks the issueToken action: miniprogram/utils/token.ts). Call wx.cloud.init() in app.ts.
let jrtcMiniapp: JRTCMiniappClient;

Page({
  data: { pushUrl: '', players: [] as Array<{ userId: string; url: string }>, counts: {}, notice: '' },
  async onLoad(query: Record<string, string>) {
    jrtcMiniapp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain }); // synchronous; one client per visit
    const pulls: Record<string, string> = {}; // pull URL per publishing anchor
    const show = () => this.setData({ players: Object.keys(pulls).map((userId) => ({ userId, url: pulls[userId] })) });
    jrtcMiniapp.on('UserJoinedRoom', (user) => this.setData({ notice: `${user.nickName} joined` }));
    jrtcMiniapp.on('UserLeavedRoom', (user) => this.setData({ notice: `${user.nickName} left` }));
    jrtcMiniapp.on('StreamPublished', (stream) => { pulls[stream.userId] = stream.url; show(); });
    jrtcMiniapp.on('StreamUnpublished', (user) => { delete pulls[user.userId]; show(); });
    jrtcMiniapp.on('GlobalMute', () => this.setData({ notice: 'the host muted everyone' }));
    jrtcMiniapp.on('onError', (err) => this.setData({ notice: `${err.code} ${err.reason}` })); // e.g. 1006, 401
    // A custom signal arrives as the event its sender named: {eventName, nickName, userId, data}.
    jrtcMiniapp.on('raiseHand', ({ userId, nickName }) => {
      this.setData({ notice: `${nickName} raised a hand` });
      jrtcMiniapp.customSignalToPeer({ targetUserId: userId, customData: { customEventName: 'handSeen', data: null } });
    });
    jrtcMiniapp.on('handSeen', ({ nickName }) => this.setData({ notice: `${nickName} saw your hand` }));

    const { token, nonce, timestamp } = await getToken(query.userId, query.room);
    await jrtcMiniapp.joinRoom({ appId, token, userId: query.userId, role: 2, nonce, timestamp, userRoomId: query.room, nickName: query.nickName });
    const { streams } = await jrtcMiniapp.subscribe(); // url: the first other anchor's pull URL; streams: all of them
    streams.forEach((s) => (pulls[s.userId] = s.url));
    show();
    const { data: counts } = await jrtcMiniapp.getRoomMemberCount(); // {total, broadcasterCount, audienceCount}
    this.setData({ counts });
  },
  async goOnStage() {
    const { data } = await jrtcMiniapp.setRole(1); // {publishUrl, pullUrl, role}: an anchor publishes at once
    this.setData({ pushUrl: data.publishUrl }); // <live-pusher mode="RTC" enable-camera="{{false}}" url="{{pushUrl}}">
  },
  async republish() {
    this.setData({ pushUrl: (await jrtcMiniapp.publish()).url }); // a fresh push URL
  },
  async lists() {
    const { data: anchors } = await jrtcMiniapp.getBroadcasterList(); // [{userId, nickName, roomId, role, peerId, hasAudio}]
    const { data: audience, nextCursor } = await jrtcMiniapp.getAudienceList(); // first 100; nextCursor: more
    this.setData({ anchors, audience, more: nextCursor !== null });
  },
  raiseHand() {
    return jrtcMiniapp.customSignalToRoom({ customEventName: 'raiseHand', data: { seat: 3 } });
  },
  onUnload() {
    return jrtcMiniapp.leaveRoom().then(() => jrtcMiniapp.destroy());
  },
});
