// pages/service/service.ts
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import type { MediaHandlers, Room } from '../../lib/jrtc-miniapp.min';

let client: JRTCMiniappClient;
let room: Room;
let pusher: MediaHandlers;
const players: Record<string, MediaHandlers> = {};
const player = (userId: string) => (players[userId] = players[userId] || room.createPlayerHandlers(userId));

Component({
  data: { state: 'joining', notice: '', pushUrl: '', peer: '', peerUrl: '', muted: false },
  methods: {
    async onLoad(query: Record<string, string>) {
      client = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
      const { token, nonce, timestamp } = await getToken(query.userId, query.room);
      room = await client.joinRoom({ appId, token, nonce, timestamp, userId: query.userId, userRoomId: query.room,
                                     role: 1, nickName: query.nickName });
      pusher = room.createPusherHandlers();
      room.on('streamPublished', (m, stream) => this.setData({ peer: m.userId, peerUrl: stream.url }));
      room.on('streamUnpublished', () => this.setData({ peerUrl: '' }));
      room.on('pullUrlChanged', (_userId, url) => this.setData({ peerUrl: url }));
      room.on('pushUrlChanged', (url) => this.setData({ pushUrl: url }));
      room.on('memberLeft', () => this.setData({ notice: 'The other side hung up' }));
      room.on('connectionStateChanged', (state, reason) =>
        this.setData({ state, notice: state === 'disconnected' && reason ? `left the room: ${reason}` : '' }));
      this.setData({ pushUrl: await room.publish() });
    },
    async toggleMute() {
      const me = await room.setMuted(!this.data.muted);                 // the owner's mute, if any, stays
      this.setData({ muted: me.stream.muted });
    },
    onPusherState(e: WechatMiniprogram.CustomEvent) { pusher.onStateChange(e); },
    onPusherError(e: WechatMiniprogram.CustomEvent) { pusher.onError(e); },
    onPlayerState(e: WechatMiniprogram.CustomEvent) { player(e.currentTarget.dataset.userId).onStateChange(e); },
    async hangUp() { await room.leaveRoom(); await client.destroy(); wx.navigateBack({ delta: 1 }); },
    onUnload() { client.destroy(); },
  },
});
