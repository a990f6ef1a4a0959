import fc from 'fast-check';
import { jdExample, jdExampleOwnerProof, jdExampleToken } from '../../../shared/__fixtures__/jdCloudExample';
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
    expect(computeToken(jdExample, nodeTokenCodec)).toBe(jdExampleToken);
    expect(computeOwnerProof(jdExample, nodeTokenCodec)).toBe(jdExampleOwnerProof);
  });
});
