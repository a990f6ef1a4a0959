/**
 * What publish and subscribe answer for a room's media backend beyond RTMP (docs/backends.md):
 * TRTC `room://` URLs signed with the deployment's TRTC key, and WeChat VoIP chat joins signed by
 * the platform (`cloud.getVoIPSign` behind the VoipSigner port).
 */
import { Collections, ErrorCode, Limits, ProtocolError, Role } from '../../../shared';
import type { MediaBackend } from '../../../shared';
import { ConfigEnv } from '../../../shared/functionConfig';
import type { JrtcConfig, TrtcApp } from '../../../shared/functionConfig';
import { ANCHOR_PRIVILEGES, AUDIENCE_PRIVILEGES, genPrivateMapKey, genUserSig, trtcRoomOf, trtcUserOf } from '../../../shared/signers/trtc';
import { trtcPlayUrl, trtcPushUrl } from '../../../shared/signers/trtcUrl';
import type { Database } from '../../../shared/ports';
import type { CoreDeps } from './deps';
import { presenceDocSchema, parseDoc } from './records';

/** The backend a session's room uses (presences written before backends existed are `rtmp`). */
export const backendOf = (p: { backend?: MediaBackend }): MediaBackend => p.backend ?? 'rtmp';

/** The TRTC application, or CONFIG_ERROR naming the variables to set. */
export function trtcApp(config: JrtcConfig): TrtcApp {
  if (config.trtc) return config.trtc;
  throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no TRTC application configured (set ${ConfigEnv.trtcSdkAppId} and ${ConfigEnv.trtcSecretKey})`);
}

/**
 * The `room://` URL a `<live-pusher>` enters the room with: a UserSig and a PrivateMapKey binding
 * the user to this room with an anchor's privileges (send and receive) or an audience member's
 * (receive only, so TRTC itself refuses its audio), both valid for JRTC_URL_TTL_SECONDS. An
 * anchor's names its member's stream id as TRTC's CDN relay stream (`streamid`), so that with 旁路推流
 * on, the audience may pull it from the CDN (subscribe's `cdn`).
 */
export function trtcEnterUrl(config: JrtcConfig, roomKey: string, userId: string, role: Role, nowMs: number, streamId?: string): { url: string; expiresAt: number } {
  const app = trtcApp(config);
  const sig = { sdkAppId: app.sdkAppId, secretKey: app.secretKey, userId: trtcUserOf(userId), now: Math.floor(nowMs / 1000), expireSeconds: config.urlTtlSeconds };
  const room = { strRoomId: trtcRoomOf(roomKey) };
  const privileges = role === Role.ANCHOR ? ANCHOR_PRIVILEGES : AUDIENCE_PRIVILEGES;
  const privateMapKey = genPrivateMapKey({ ...sig, room, privileges });
  const url = trtcPushUrl({ sdkAppId: app.sdkAppId, room, userId: sig.userId, userSig: genUserSig(sig), privateMapKey, streamId });
  return { url, expiresAt: (sig.now + sig.expireSeconds) * 1000 };
}

/** The `<live-player>` URL of `userId`'s audio in the room the page's pusher entered. */
export const trtcPlayUrlOf = (userId: string): string => trtcPlayUrl(trtcUserOf(userId));

/** OPENID → userId of the room's live members (their presences), for the VoIP chat's member lists. */
async function openidsOf(db: Database, roomKey: string): Promise<Record<string, string>> {
  const { data } = await db.collection(Collections.presence).where({ roomKey }).limit(Limits.pageSizeMax).get();
  const members: Record<string, string> = {};
  for (const doc of data) {
    const p = parseDoc(presenceDocSchema, doc, 'presence');
    if (p) members[p.openid] = p.userId;
  }
  return members;
}

/**
 * What wx.joinVoIPChat takes for the room's chat (groupId: the roomKey), signed by the platform for
 * the caller, with the room's members by OPENID. The nonce is fresh per join (the platform's answer
 * may be replayed by nobody else: WeChat signs with the caller's own session key).
 */
export async function voipJoin(deps: CoreDeps, roomKey: string): Promise<{ groupId: string; nonceStr: string; timeStamp: number; signature: string; members: Record<string, string> }> {
  const nonceStr = deps.random.id(16);
  const timeStamp = Math.floor(deps.clock.now() / 1000);
  const [signature, members] = await Promise.all([deps.voip.sign({ groupId: roomKey, nonce: nonceStr, timestamp: timeStamp }), openidsOf(deps.db, roomKey)]);
  return { groupId: roomKey, nonceStr, timeStamp, signature, members };
}
