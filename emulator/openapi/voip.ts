/**
 * `cloud.getVoIPSign({groupId, nonce, timestamp})`: the signature `wx.joinVoIPChat` checks. WeChat
 * signs with the calling user's session_key; the wire names that user only through the invocation's
 * `wxCloudApiToken` (PROTOCOL.md), which the local functions host sets (functions/wxContextEnv.ts).
 * The local cloud has no session_keys, so it derives one per user from one configured key, which
 * keeps a signature made for user A useless to user B, as on WeChat. The algorithm is WeChat's
 * documented one (多人音视频对话, 签名算法, checked against its worked example in voipChat.test.ts):
 * hex HMAC-SHA256 keyed by the session_key text over `[appId, groupId, nonceStr, timeStamp].sort().join('')`.
 */
import { createHmac } from 'crypto';
import { readMessage, writeMessage } from './wire';

/** Who signs: the mini program's appId and the key each user's local session_key derives from. */
export interface VoipSigner {
  appId: string;
  sessionKey: string;
}

/** What one join is signed over (joinVoIPChat's nonceStr and timeStamp; getVoIPSign's nonce and timestamp). */
export interface VoipSignParams {
  groupId: string;
  nonce: string;
  /** Unix time in seconds. */
  timestamp: number;
}

/** The local cloud's signer unless configured otherwise (not secret: it signs nothing outside this machine). */
export const LOCAL_VOIP_SIGNER: VoipSigner = { appId: 'wx-local-app', sessionKey: Buffer.from('local-voip-key16').toString('base64') };

/** The signature WeChat's algorithm gives for `sessionKey` (the key is the base64 text itself, as in WeChat's example). */
export function voipSignature(appId: string, sessionKey: string, p: VoipSignParams): string {
  const text = [appId, p.groupId, p.nonce, String(p.timestamp)].sort().join('');
  return createHmac('sha256', sessionKey).update(text, 'utf8').digest('hex');
}

/** User `openid`'s local session_key (base64 of 16 bytes, as WeChat's): derived, so nothing is stored. */
export function localSessionKey(signer: VoipSigner, openid: string): string {
  return createHmac('sha256', signer.sessionKey).update(openid, 'utf8').digest().subarray(0, 16).toString('base64');
}

/** The signature getVoIPSign gives `openid` for `p`: what joinVoIPChat accepts from that user's phone. */
export function userVoipSignature(signer: VoipSigner, openid: string, p: VoipSignParams): string {
  return voipSignature(signer.appId, localSessionKey(signer, openid), p);
}

/**
 * ApiVoipSignReq (2 groupId, 3 timestamp, 4 nonce) for `openid` → ApiVoipSignResp (1 signature), or
 * why it is refused: an empty groupId, a nonce of 128 characters or more (the doc: 长度应小于 128),
 * or no user (a call from outside a user's invocation: there is no session_key to sign with).
 */
export function signVoip(signer: VoipSigner, reqData: Buffer, openid: string): Buffer | string {
  const fields = readMessage(reqData);
  const text = (no: number): string => fields.find((f) => f.no === no)?.bytes?.toString('utf8') ?? '';
  const p = { groupId: text(2), nonce: text(4), timestamp: fields.find((f) => f.no === 3)?.varint ?? 0 };
  if (p.groupId === '') return 'groupId is empty';
  if (p.nonce === '' || [...p.nonce].length >= 128) return 'nonce must be 1 to 127 characters';
  if (openid === '') return 'getVoIPSign signs with the calling user\'s session_key: call it from a function a user called (no wxCloudApiToken)';
  return writeMessage([[1, userVoipSignature(signer, openid, p)]]);
}
