import fc from 'fast-check';
import { computeOwnerProof } from '../../../shared/ownerProof';
import { computeToken, cryptoJsCodec } from '../../../shared/token';
import { nodeTokenCodec } from './nodeTokenCodec';

describe('nodeTokenCodec', () => {
  it('computes the same HMAC and Base64 as crypto-js for any text, non-ASCII included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 300 }), (key, message) => {
        expect(nodeTokenCodec.hmacSha256Base64(key, message)).toBe(cryptoJsCodec.hmacSha256Base64(key, message));
        expect(nodeTokenCodec.base64OfUtf8(message)).toBe(cryptoJsCodec.base64OfUtf8(message));
      }),
      { numRuns: 300 },
    );
  });

  it("reproduces JD Cloud's worked example (shared/token.test.ts) and its owner proof vector (shared/ownerProof.test.ts)", () => {
    const params = {
      appId: '192bc3400174019265a7b1ad1ea7c6c7',
      appKey: 'SadW4EIcFmhmA7ixgK39MNegUFj0LnAkYEPlxlykexVezqsXS2Q1VOMed88ES4GxTP0Jiqv3pR/bCNE1lcrpA==',
      roomId: '60',
      userId: '2b9be4b25c2d38c409c376ffd2372be1',
      nonce: 'AK-2b9be4b25c2d38c409c376ffd2372be1',
      timestamp: 4762379647000,
    };
    expect(computeToken(params, nodeTokenCodec)).toBe('N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_');
    expect(computeOwnerProof(params, nodeTokenCodec)).toBe('QTduWkZ4b01Sbks3b3J4aHBRY1JxUmdHbjRHVUgvRnFnRElDWnF5eWJmQT0_');
  });
});
