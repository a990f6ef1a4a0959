// pages/roomApi/roomApi.ts (in a page's async onLoad, after init)
import type JRTCMiniappClient from '../../lib/jrtc-miniapp.min'; // hidden
declare const jrtcMiniapp: JRTCMiniappClient, userId: string, nickName: string; // hidden
Page({ // hidden
  async onLoad() { // hidden
    const { token, nonce, timestamp } = await getToken(userId, 'class-1'); // hidden
const room = await jrtcMiniapp.joinRoom({ appId, token, userId, role: 1, nonce, timestamp, userRoomId: 'class-1', nickName });
room.on('memberJoined', (m) => console.log('joined', m.userId, m.stream.muted)); // (member: Member) => void
room.on('streamPublished', (m, stream) => this.setData({ [`players.${m.userId}`]: stream.url }));
room.on('countsChanged', (c) => this.setData({ counts: c }));  // {total, broadcasterCount, audienceCount}
room.on('connectionStateChanged', (state, reason) => this.setData({ state, reason })); // 'reconnecting' recovers by itself
room.on('allMutedChanged', (allMuted) => this.setData({ allMuted })); // room.allMuted: the room-wide mute now
room.on('audioVolumes', (volumes) => this.setData({ volumes }));      // [{userId, volume}], loudest first
room.on('activeSpeakerChanged', (userId) => this.setData({ speaker: userId || '' }));
room.on('signal', (s) => console.log(s.from, s.nickName, s.type, s.payload)); // sendSignal / customSignalTo*
room.on('tokenWillExpire', () => getToken(userId, 'class-1').then((fresh) => room.renewToken(fresh)));
const pushUrl = await room.publish();          // bind to <live-pusher mode="RTC" enable-camera="{{false}}" url="{{pushUrl}}">
const streams = await room.subscribe();        // one <live-player mode="RTC" src="{{url}}"> per anchor on stage
const pusher = room.createPusherHandlers();    // bindstatechange / bindaudiovolumenotify / binderror → pusher.onStateChange(e) …
const players = streams.map((s) => room.createPlayerHandlers(s.userId)); // the same for each <live-player>
await room.setStagePolicy('invite', 6);        // owner: who may take the stage, 6 anchors at most
await room.muteAll(true);                      // owner: everyone else keeps the microphone closed (JRTC: GlobalMute)
await room.setMuted(true);                     // your own mute; room.mute(userId, true) is the owner's (AssignPeerMute)
await room.leaveRoom();                        // or jrtcMiniapp.leaveRoom()
await jrtcMiniapp.destroy();
  }, // hidden
}); // hidden
