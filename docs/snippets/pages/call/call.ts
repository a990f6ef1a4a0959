// pages/call/call.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
let jrtcMiniapp: JRTCMiniappClient; // hidden
Page({ // hidden
  data: { pushUrl: '', src: '', peer: '' }, // hidden
  async onLoad(query: Record<string, string>) { // hidden
    jrtcMiniapp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain }); // hidden
    const { token, nonce, timestamp } = await getToken(query.userId, query.room); // hidden

// <live-player id="peer" mode="RTC" autoplay src="{{src}}" bindstatechange="onPlayerState">
jrtcMiniapp.on('StreamPublished', (stream) => {
  if (this.data.peer && stream.userId !== this.data.peer) return;
  // A fresh URL restarts the player. The same URL (signed in the same second) is no change to
  // setData, but then the player is still retrying it and picks the stream up by itself.
  this.setData({ src: stream.url, peer: stream.userId });
});
await jrtcMiniapp.joinRoom({ appId, token, userId: query.userId, role: 1, nonce, timestamp, userRoomId: query.room });
const { url, streams } = await jrtcMiniapp.subscribe(); // the other side, also before it publishes
this.setData({ src: url, peer: streams.length ? streams[0].userId : '' });
this.setData({ pushUrl: (await jrtcMiniapp.publish()).url });
// …
  }, // hidden
  onPlayerState(e: { detail: { code: number } }) {
    // -2301: the player retried and gave up (a stream not started yet, or the other side's network).
    if (e.detail.code !== -2301) return;
    const player = wx.createLivePlayerContext('peer', this);
    player.stop({ complete: () => player.play() });
  },
}); // hidden
