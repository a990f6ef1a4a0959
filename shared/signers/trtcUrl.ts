/**
 * TRTC's `room://` URLs for `<live-pusher>` and `<live-player>` in RTC mode, as trtc-wx-sdk builds
 * them (signatures: trtc.ts). Pure string work: the SDK side may use it too.
 */
/** What a `room://` push URL carries (trtc-wx-sdk's rtcConfig, the fields an audio room needs). */
export interface TrtcPushParams {
  sdkAppId: number;
  room: { roomId: number } | { strRoomId: string };
  userId: string;
  userSig: string;
  /** Binds the userId to the room and its privileges (TRTC's "启用权限密钥" switch makes it required). */
  privateMapKey?: string;
  /** `videocall` (real-time, calls and stages; trtc-wx-sdk's default) or `live` (TRTC's live scene). */
  scene?: 'videocall' | 'live';
  /**
   * The CSS stream id TRTC relays this user's stream to (旁路推流, when the application turns it on):
   * the audience of a stage can then pull it from the CDN.
   */
  streamId?: string;
}

/**
 * The `<live-pusher>` URL, its parameters in the order trtc-wx-sdk 1.1.15 writes them (trtc-wx.js:
 * "room://cloud.tencent.com/rtc?sdkappid=…&roomid|strroomid=…&userid=…&usersig=…&appscene=…&encsmall=0
 * &cloudenv=PRO&enableBlackStream=&streamid=&userdefinerecordid=&privatemapkey=…&pureaudiomode=
 * &recvmode=1&enableinfiniteanchor=0"), values URI-encoded (a UserSig's `*`, `-` and `_` pass as they are).
 */
export function trtcPushUrl(p: TrtcPushParams): string {
  const room = 'strRoomId' in p.room ? `strroomid=${encodeURIComponent(p.room.strRoomId)}` : `roomid=${p.room.roomId}`;
  const e = encodeURIComponent;
  return (
    `room://cloud.tencent.com/rtc?sdkappid=${p.sdkAppId}&${room}&userid=${e(p.userId)}&usersig=${e(p.userSig)}` +
    `&appscene=${p.scene ?? 'videocall'}&encsmall=0&cloudenv=PRO&enableBlackStream=&streamid=${e(p.streamId ?? '')}&userdefinerecordid=` +
    `&privatemapkey=${e(p.privateMapKey ?? '')}&pureaudiomode=&recvmode=1&enableinfiniteanchor=0`
  );
}

/** The `<live-player>` URL of a remote user's stream in the pusher's room (trtc-wx-sdk: `room://…?userid=…&streamtype=…`). */
export function trtcPlayUrl(userId: string, streamType: 'main' | 'aux' = 'main'): string {
  return `room://cloud.tencent.com/rtc?userid=${encodeURIComponent(userId)}&streamtype=${streamType}`;
}

/** A push URL's parameters, read back (null for anything but a TRTC `room://` URL). */
export function parseTrtcPushUrl(url: string): TrtcPushParams | null {
  const prefix = 'room://cloud.tencent.com/rtc?';
  if (!url.startsWith(prefix)) return null;
  const q = new URLSearchParams(url.slice(prefix.length));
  const sdkAppId = Number(q.get('sdkappid'));
  const userId = q.get('userid');
  const userSig = q.get('usersig');
  const strRoomId = q.get('strroomid');
  const roomId = Number(q.get('roomid'));
  if (!Number.isInteger(sdkAppId) || !userId || !userSig) return null;
  if (strRoomId === null && !(Number.isInteger(roomId) && roomId > 0)) return null;
  const scene = q.get('appscene') === 'live' ? 'live' : 'videocall';
  const params: TrtcPushParams = { sdkAppId, room: strRoomId !== null ? { strRoomId } : { roomId }, userId, userSig, scene };
  const privateMapKey = q.get('privatemapkey');
  if (privateMapKey) params.privateMapKey = privateMapKey;
  const streamId = q.get('streamid');
  if (streamId) params.streamId = streamId;
  return params;
}
