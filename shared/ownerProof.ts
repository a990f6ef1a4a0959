/**
 * The owner proof: how the deployer's own server (which mints JRTC tokens with the app key) says
 * "this token's holder owns the room". The JRTC token signs no role and cannot change, so the grant
 * travels beside it, as a second signature over the same parameters:
 *
 *   1. json  = JSON of {appId, nonce, owner: true, roomId, timestamp, userId}, keys in ascending
 *              order, timestamp a number, `owner` the literal `true`, no whitespace, e.g.
 *              {"appId":"demo-app","nonce":"AK-…","owner":true,"roomId":"room1","timestamp":1700000000000,"userId":"alice"}
 *   2. bytes = HmacSHA256(key = appKey as UTF-8, message = json as UTF-8);
 *   3. proof = Base64(Base64(bytes)) with '+' → '*', '/' → '-', '=' → '_' (the token's encoding:
 *              always 60 characters).
 *
 * Why this shape: the token is keyed with the nonce, which travels in the clear, and only the appKey
 * inside its message is secret; the proof is keyed with the appKey itself, so nothing a client sees
 * (tokens, nonces, other proofs) helps forge one. Its message has keys the token's never has (`nonce`,
 * `owner`) and lacks `appKey`, so a token can never double as a proof or the reverse. It names the
 * nonce, so it is bound to one token: joinRoom honours it on that token's first join only.
 *
 * crypto-js by default (runs anywhere); a Node server may pass its native crypto as the codec.
 */
import { checkTokenParams, cryptoJsCodec, jrtcEncode, verifySignature } from './token';
import type { TokenCodec, TokenParams } from './token';

/**
 * The canonical JSON the proof signs (step 1 of the file comment). Throws ProtocolError BAD_REQUEST,
 * naming the field, on bad params.
 */
export function ownerProofPayload(p: TokenParams): string {
  checkTokenParams(p);
  // Written out in sorted order on purpose: JSON.stringify keeps insertion order for string keys.
  return JSON.stringify({
    appId: p.appId,
    nonce: p.nonce,
    owner: true,
    roomId: p.roomId,
    timestamp: p.timestamp,
    userId: p.userId,
  });
}

/**
 * The owner proof for the token of these parameters (see the file comment). As secret as the token:
 * hand it only to the user it names. Throws ProtocolError BAD_REQUEST on bad params.
 */
export function computeOwnerProof(p: TokenParams, codec: TokenCodec = cryptoJsCodec): string {
  return jrtcEncode(codec.hmacSha256Base64(p.appKey, ownerProofPayload(p)), codec);
}

/**
 * True when `proof` is the owner proof for `p`, compared in constant time; false for anything
 * malformed. Throws ProtocolError CONFIG_ERROR when the appKey is empty (it would accept forgeries).
 */
export function verifyOwnerProof(p: TokenParams, proof: string, codec: TokenCodec = cryptoJsCodec): boolean {
  return verifySignature(computeOwnerProof, p, proof, codec);
}
