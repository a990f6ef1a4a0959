import { createHmac } from 'crypto';
import fc from 'fast-check';
import { ErrorCode } from './errors';
import { jdExample, jdExampleOwnerProof, nodeJrtcEncode } from './__fixtures__/jdCloudExample';
import { computeOwnerProof, ownerProofPayload, verifyOwnerProof } from './ownerProof';
import { computeToken, verifyToken, type TokenParams } from './token';

/**
 * An independent implementation with Node's own crypto, written from the formula in ownerProof.ts:
 * the oracle for arbitrary parameters, and what the vectors below were derived with.
 */
function nodeProof(p: TokenParams): string {
  const json = `{"appId":${JSON.stringify(p.appId)},"nonce":${JSON.stringify(p.nonce)},"owner":true,"roomId":${JSON.stringify(
    p.roomId,
  )},"timestamp":${p.timestamp},"userId":${JSON.stringify(p.userId)}}`;
  const origin = createHmac('sha256', Buffer.from(p.appKey, 'utf8')).update(Buffer.from(json, 'utf8')).digest('base64');
  return nodeJrtcEncode(origin);
}

/**
 * Test vectors for servers in other languages: the parameters, the exact JSON signed, the HMAC-SHA256
 * digest (keyed with the appKey) as standard Base64, and the proof. Pinned: a change shows up here.
 */
const vectors: Array<{ name: string; params: TokenParams; payload: string; digestBase64: string; proof: string }> = [
  {
    name: 'ASCII',
    params: {
      appId: 'demo-app',
      appKey: 'demo-key',
      roomId: 'room1',
      userId: 'alice',
      nonce: 'AK-00112233445566778899aabbccddeeff',
      timestamp: 1700000000000,
    },
    payload:
      '{"appId":"demo-app","nonce":"AK-00112233445566778899aabbccddeeff","owner":true,"roomId":"room1","timestamp":1700000000000,"userId":"alice"}',
    digestBase64: 'L3LdZjytORaTuZHco+HrTgDmx2uIfbmu3/0fpGz5eyE=',
    proof: 'TDNMZFpqeXRPUmFUdVpIY28rSHJUZ0RteDJ1SWZibXUzLzBmcEd6NWV5RT0_',
  },
  {
    name: "JD Cloud's token example parameters",
    params: jdExample,
    payload:
      '{"appId":"192bc3400174019265a7b1ad1ea7c6c7","nonce":"AK-2b9be4b25c2d38c409c376ffd2372be1","owner":true,"roomId":"60","timestamp":4762379647000,"userId":"2b9be4b25c2d38c409c376ffd2372be1"}',
    digestBase64: 'A7nZFxoMRnK7orxhpQcRqRgGn4GUH/FqgDICZqyybfA=',
    proof: jdExampleOwnerProof,
  },
  {
    name: 'non-ASCII, a JSON escape, timestamp 0',
    params: { appId: 'app-1', appKey: '密钥-ключ', roomId: '课堂-1', userId: '老师', nonce: 'AK-"quoted"', timestamp: 0 },
    payload: '{"appId":"app-1","nonce":"AK-\\"quoted\\"","owner":true,"roomId":"课堂-1","timestamp":0,"userId":"老师"}',
    digestBase64: '+DTbo+1pLh9R6ik0/rV6WXcMdfYrWLWWc8XEJW+ub0A=',
    proof: 'K0RUYm8rMXBMaDlSNmlrMC9yVjZXWGNNZGZZcldMV1djOFhFSlcrdWIwQT0_',
  },
];

describe('owner proof test vectors', () => {
  it.each(vectors)('$name: payload, digest and proof', ({ params, payload, digestBase64, proof }) => {
    expect(ownerProofPayload(params)).toBe(payload);
    expect(createHmac('sha256', Buffer.from(params.appKey, 'utf8')).update(payload, 'utf8').digest('base64')).toBe(digestBase64);
    expect(nodeJrtcEncode(digestBase64)).toBe(proof);
    expect(nodeProof(params)).toBe(proof);
    expect(computeOwnerProof(params)).toBe(proof);
    expect(proof).toHaveLength(60);
    expect(verifyOwnerProof(params, proof)).toBe(true);
  });

  it('agrees with the Node implementation for arbitrary (including non-ASCII) parameters', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(text, text, text, text, text, fc.integer({ min: 0, max: 2 ** 45 }), (appId, appKey, roomId, userId, nonce, timestamp) => {
        const p = { appId, appKey, roomId, userId, nonce, timestamp };
        expect(computeOwnerProof(p)).toBe(nodeProof(p));
      }),
      { numRuns: 200 },
    );
  });
});

describe('verifyOwnerProof: tampering', () => {
  const [{ params, proof }] = vectors;

  it.each([
    ['appId', { ...params, appId: 'demo-app2' }],
    ['appKey', { ...params, appKey: 'demo-key2' }],
    ['roomId', { ...params, roomId: 'room2' }],
    ['userId', { ...params, userId: 'mallory' }],
    ['nonce', { ...params, nonce: 'AK-00112233445566778899aabbccddeef0' }],
    ['timestamp', { ...params, timestamp: params.timestamp + 1 }],
  ])('a proof is bound to its %s', (_field, other) => {
    expect(verifyOwnerProof(other, proof)).toBe(false);
    expect(verifyOwnerProof(other, computeOwnerProof(other))).toBe(true);
  });

  it('refuses a flipped character, a truncated or extended proof, and non-strings', () => {
    for (let i = 0; i < proof.length; i++) {
      const flipped = proof.slice(0, i) + (proof[i] === 'A' ? 'B' : 'A') + proof.slice(i + 1);
      expect(verifyOwnerProof(params, flipped)).toBe(false);
    }
    expect(verifyOwnerProof(params, proof.slice(0, -1))).toBe(false);
    expect(verifyOwnerProof(params, proof + '_')).toBe(false);
    expect(verifyOwnerProof(params, '')).toBe(false);
    expect(verifyOwnerProof(params, undefined as unknown as string)).toBe(false);
  });

  it('a token is not a proof, nor a proof a token', () => {
    const token = computeToken(params);
    expect(token).not.toBe(proof);
    expect(verifyOwnerProof(params, token)).toBe(false);
    expect(verifyToken(params, proof)).toBe(false);
  });

  it('cannot be made without the appKey: keyed with the (public) nonce it is wrong', () => {
    const keyedWithNonce = nodeProof({ ...params, appKey: params.nonce });
    expect(verifyOwnerProof(params, keyedWithNonce)).toBe(false);
  });

  it('malformed parameters: compute throws BAD_REQUEST naming the field, verify is false', () => {
    expect(() => computeOwnerProof({ ...params, userId: '' })).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST, details: { field: 'userId' } }));
    expect(() => computeOwnerProof({ ...params, appKey: '' })).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST, details: { field: 'appKey' } }));
    expect(verifyOwnerProof({ ...params, timestamp: 1.5 }, proof)).toBe(false);
    expect(verifyOwnerProof({ ...params, roomId: 7 as unknown as string }, proof)).toBe(false);
  });

  it('refuses to verify against an empty appKey (CONFIG_ERROR)', () => {
    expect(() => verifyOwnerProof({ ...params, appKey: '' }, proof)).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }));
  });
});
