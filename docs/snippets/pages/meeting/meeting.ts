// pages/meeting/meeting.ts (joining, streams and leaving as on the service page)
import type { MediaHandlers, Room } from '../../lib/jrtc-miniapp.min'; // hidden
declare const room: Room, pusher: MediaHandlers, urls: Record<string, string>; // hidden
declare function player(userId: string): MediaHandlers; // hidden
Component({
  data: { seats: [] as Array<{ userId: string; nickName: string; url: string; muted: boolean }>, speaker: '', muted: false },
  methods: {
    async onLoad(query: Record<string, string>) {
      // … init, joinRoom with role 1, publish, pusher = room.createPusherHandlers() as above …
      room.on('activeSpeakerChanged', (userId) => this.setData({ speaker: userId || '' }));
      const redraw = () => this.setData({ seats: room.members.map((m) => ({ userId: m.userId, nickName: m.nickName,
        url: urls[m.userId] || '', muted: m.stream.muted })) });
      // memberUpdated carries mutes (yours by the owner too): the badges follow it.
      ['memberJoined', 'memberLeft', 'memberUpdated', 'rosterSynced', 'streamPublished', 'streamUnpublished'].forEach((e) => room.on(e as 'memberLeft', redraw));
    },
    async toggleMute() { this.setData({ muted: (await room.setMuted(!this.data.muted)).stream.muted }); },
    muteOther(e: WechatMiniprogram.BaseEvent) { return room.mute(e.currentTarget.dataset.userId, true); }, // owner only: NOT_OWNER otherwise
    onPusherVolume(e: WechatMiniprogram.CustomEvent) { pusher.onAudioVolumeNotify(e); },                 // your own voice
    onPlayerVolume(e: WechatMiniprogram.CustomEvent) { player(e.currentTarget.dataset.userId).onAudioVolumeNotify(e); },
  },
});
