/**
 * `cloud.getVoIPSign({groupId, nonce, timestamp})`: the signature `wx.joinVoIPChat` checks. WeChat
 * signs with the user's session_key, which the call's wire does not name (PROTOCOL.md), so the local
 * cloud signs with one configured key. The algorithm is the one WeChat's 开放社区 answers give for
 * joinVoIPChat: HMAC-SHA256 keyed by the base64-decoded session_key over `[appId, groupId, nonce,
 * timestamp].sort().join('')`, hex; not checked against WeChat's servers.
 */
import { createHmac } from 'crypto';
import { readMessage, writeMessage } from './wire';

/** Who signs: the mini program's appId and a session_key (base64, 16 bytes as WeChat's). */
export interface VoipSigner {
  appId: string;
  sessionKey: string;
}

/** The local cloud's signer unless configured otherwise (not secret: it signs nothing outside this machine). */
export const LOCAL_VOIP_SIGNER: VoipSigner = { appId: 'wx-local-app', sessionKey: Buffer.from('local-voip-key16').toString('base64') };

/** The signature of one VoIP group join. */
export function voipSignature(signer: VoipSigner, p: { groupId: string; nonce: string; timestamp: number }): string {
  const text = [signer.appId, p.groupId, p.nonce, String(p.timestamp)].sort().join('');
  return createHmac('sha256', Buffer.from(signer.sessionKey, 'base64')).update(text, 'utf8').digest('hex');
}

/**
 * ApiVoipSignReq (2 groupId, 3 timestamp, 4 nonce) → ApiVoipSignResp (1 signature), or the reason
 * it is refused: an empty groupId, a nonce of 128 characters or more (the doc: 长度应小于 128).
 */
export function signVoip(signer: VoipSigner, reqData: Buffer): Buffer | string {
  const fields = readMessage(reqData);
  const text = (no: number): string => fields.find((f) => f.no === no)?.bytes?.toString('utf8') ?? '';
  const p = { groupId: text(2), nonce: text(4), timestamp: fields.find((f) => f.no === 3)?.varint ?? 0 };
  if (p.groupId === '') return 'groupId is empty';
  if (p.nonce === '' || [...p.nonce].length >= 128) return 'nonce must be 1 to 127 characters';
  return writeMessage([[1, voipSignature(signer, p)]]);
}
