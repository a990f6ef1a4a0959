/**
 * The local stand-in for TRTC's `room://` media. A page's `<live-pusher>` enters a TRTC room with the
 * URL the jrtc function signed; locally, whoever holds that URL posts it here and gets the RTMP URL
 * its audio really flows over (the local media server). The URL is checked as TRTC checks an
 * entry, with the deployment's TRTC key (JRTC_TRTC_SDKAPPID / JRTC_TRTC_SECRET_KEY):
 * - the UserSig: the app, HMAC, expiry, and its identifier is the URL's userid; refused -100018,
 *   TRTC's "userSig 校验失败" (error table: https://cloud.tencent.com/document/product/647/38313);
 * - the PrivateMapKey, required here (TRTC requires it once the app's "启用权限密钥" is on: the
 *   stricter reading): signed for the same user and this room, unexpired, with the privilege asked
 *   for (send audio to push, receive audio to play); refused -100006, the table's privilege check.
 * Then, as the media gate requires of every publisher, the user must be a member publishing (the
 * stream is the member's own: publishingIndex.ts).
 */
import { Collections } from '../../../shared';
import { signPullUrls, signPushUrl } from '../../../shared/signers';
import { TrtcPrivilege, trtcRoomOf, trtcUserOf, verifyTrtcSig } from '../../../shared/signers/trtc';
import { parseTrtcPushUrl } from '../../../shared/signers/trtcUrl';
import { HttpError } from '../../httpKit';
import type { DocumentStore } from '../../store/store';
import { MEDIA_HOST } from './ports';
import type { MediaServiceOptions } from './mediaService';

/** POST {enterUrl, playUrl?}: the RTMP URL to push with (no playUrl) or to play `playUrl`'s user with. */
export const TRTC_PATH = '/v1/media/trtc';

/** A refusal as TRTC reports it on entry: HTTP 403, TRTC's code as the errCode. */
const refused = (code: number, why: string): HttpError => new HttpError(403, { errCode: code, errMsg: why });

/** What the stand-in checks and signs with: the media service's keys, room state and clock, and its RTMP port. */
export type TrtcLocalDeps = Pick<MediaServiceOptions, 'auth' | 'store' | 'now'> & { rtmpPort: number };

/** The member a TRTC room and user name stand for (names that did not fit TRTC's are digests: trtc.ts). */
async function memberOf(store: DocumentStore, room: string, user: string): Promise<Record<string, unknown> | undefined> {
  let roomKeys = [room];
  if (room.startsWith('j-')) {
    const rooms = await store.find(Collections.rooms, { backend: 'trtc' });
    roomKeys = rooms.map((r) => String(r.roomKey)).filter((k) => trtcRoomOf(k) === room);
  }
  for (const roomKey of roomKeys) {
    const members = await store.find(Collections.members, { roomKey });
    const found = members.find((m) => trtcUserOf(String(m.userId)) === user);
    if (found) return found;
  }
  return undefined;
}

/** The RTMP URL for `enterUrl`'s user: its own push URL, or the play URL of `playUrl`'s user in the same room. */
export async function resolveTrtc(deps: TrtcLocalDeps, enterUrl: string, playUrl?: string): Promise<string> {
  const { auth } = deps;
  const trtc = auth.trtc;
  if (!trtc) throw refused(-100018, 'this local cloud has no TRTC application (JRTC_TRTC_SDKAPPID)');
  const entry = parseTrtcPushUrl(enterUrl);
  if (!entry || !('strRoomId' in entry.room)) throw refused(-100018, 'not a room:// push URL with a strroomid');
  const nowSeconds = Math.floor(deps.now() / 1000);
  if (entry.sdkAppId !== trtc.sdkAppId) throw refused(-100018, `sdkappid ${entry.sdkAppId} is not this application's`);
  const sig = verifyTrtcSig(entry.userSig, trtc, nowSeconds);
  if (!sig || sig.map || sig.userId !== entry.userId) throw refused(-100018, 'userSig check failed (key, expiry or identifier)');
  const map = entry.privateMapKey ? verifyTrtcSig(entry.privateMapKey, trtc, nowSeconds) : null;
  const room = entry.room.strRoomId;
  if (!map?.map || map.userId !== entry.userId || map.map.strRoomId !== room) throw refused(-100006, 'privateMapKey check failed (key, expiry, user or room)');
  const needs = playUrl === undefined ? TrtcPrivilege.SEND_AUDIO : TrtcPrivilege.RECEIVE_AUDIO;
  if ((map.map.privileges & (needs | TrtcPrivilege.ENTER_ROOM)) !== (needs | TrtcPrivilege.ENTER_ROOM)) {
    throw refused(-100006, `privateMapKey lacks the privilege to ${playUrl === undefined ? 'send' : 'receive'} audio`);
  }
  let target = entry.userId;
  if (playUrl !== undefined) {
    const prefix = 'room://cloud.tencent.com/rtc?';
    const user = playUrl.startsWith(prefix) ? new URLSearchParams(playUrl.slice(prefix.length)).get('userid') : null;
    if (!user) throw refused(-100018, 'not a room:// play URL');
    target = user;
  }
  const member = await memberOf(deps.store, room, target);
  const streamId = (member?.stream as { streamId?: unknown } | undefined)?.streamId;
  if (typeof streamId !== 'string') throw refused(-100006, `${target} is not in room ${room}`);
  const base = { provider: auth.provider, domain: `${MEDIA_HOST}:${deps.rtmpPort}`, app: auth.app, stream: streamId, expireAt: nowSeconds + 600 };
  return playUrl === undefined ? signPushUrl({ ...base, key: auth.pushKey }) : signPullUrls({ ...base, key: auth.pullKey, scheme: 'http' }).rtmp;
}
