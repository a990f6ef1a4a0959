/**
 * Test data shared by the token and owner-proof tests: JD Cloud's worked token example ("用户Token生成",
 * docs.jdcloud.com/cn/real-time-communication/sdk/generate-user-token) with its token and our owner
 * proof for it, and the token encoding written with Node's own Buffer (the tests' oracle side).
 */
import type { TokenParams } from '../token';

/** The example's parameters. */
export const jdExample: TokenParams = {
  appId: '192bc3400174019265a7b1ad1ea7c6c7',
  appKey: 'SadW4EIcFmhmA7ixgK39MNegUFj0LnAkYEPlxlykexVezqsXS2Q1VOMed88ES4GxTP0Jiqv3pR/bCNE1lcrpA==',
  roomId: '60',
  userId: '2b9be4b25c2d38c409c376ffd2372be1',
  nonce: 'AK-2b9be4b25c2d38c409c376ffd2372be1',
  timestamp: 4762379647000,
};
/** The token JD's documentation gives for them. */
export const jdExampleToken = 'N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_';
/** The owner proof for that token (shared/ownerProof.ts; derived, pinned). */
export const jdExampleOwnerProof = 'QTduWkZ4b01Sbks3b3J4aHBRY1JxUmdHbjRHVUgvRnFnRElDWnF5eWJmQT0_';

/** JRTC's encoding of an HMAC's Base64: Base64 again, then `+/=` → `*-_` (Node's Buffer, not crypto-js). */
export function nodeJrtcEncode(digestBase64: string): string {
  return Buffer.from(digestBase64, 'utf8').toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}
