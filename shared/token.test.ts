import { createHmac } from 'crypto';
import fc from 'fast-check';
import { ProtocolError } from './errors';
import { jdExample, jdExampleToken, nodeJrtcEncode } from './__fixtures__/jdCloudExample';
import { computeToken, generateNonce, tokenPayload, verifyToken, type TokenParams } from './token';


/**
 * An independent implementation with Node's own crypto (not crypto-js), written from JD's
 * description, used as the oracle for parameters the docs have no example for.
 */
function nodeToken(p: TokenParams): string {
  const json = `{"appId":${JSON.stringify(p.appId)},"appKey":${JSON.stringify(p.appKey)},"roomId":${JSON.stringify(
    p.roomId,
  )},"timestamp":${p.timestamp},"userId":${JSON.stringify(p.userId)}}`;
  const origin = createHmac('sha256', Buffer.from(p.nonce, 'utf8')).update(Buffer.from(json, 'utf8')).digest('base64');
  return nodeJrtcEncode(origin);
}

const demo: TokenParams = {
  appId: 'demo-app',
  appKey: 'demo-key',
  roomId: 'room1',
  userId: 'alice',
  nonce: 'AK-00112233445566778899aabbccddeeff',
  timestamp: 1700000000000,
};

describe('tokenPayload', () => {
  it('is the JSON with keys in ascending order and a numeric timestamp', () => {
    expect(tokenPayload(demo)).toBe(
      '{"appId":"demo-app","appKey":"demo-key","roomId":"room1","timestamp":1700000000000,"userId":"alice"}',
    );
  });
});

describe('computeToken', () => {
  it("reproduces JD Cloud's documented example", () => {
    expect(computeToken(jdExample)).toBe(jdExampleToken);
  });

  it('matches an independent Node crypto computation (vector derived, not from the docs)', () => {
    // Derived with nodeToken() above; pinned so a change in either implementation shows up.
    expect(nodeToken(demo)).toBe('YUtZMFZyZ1VZQTRyV1VNK2JoU0xrRzBxVm5DRlJnVVZvZ3lpMll0KzJDcz0_');
    expect(computeToken(demo)).toBe(nodeToken(demo));
  });

  it('agrees with the Node implementation for arbitrary (including non-ASCII) parameters', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(text, text, text, text, text, fc.integer({ min: 0, max: 2 ** 45 }), (appId, appKey, roomId, userId, nonce, timestamp) => {
        const p = { appId, appKey, roomId, userId, nonce, timestamp };
        expect(computeToken(p)).toBe(nodeToken(p));
      }),
      { numRuns: 200 },
    );
  });

  it('uses only the substituted alphabet', () => {
    expect(computeToken(demo)).toMatch(/^[A-Za-z0-9*_-]+$/);
  });

  it.each([
    ['appId', { ...demo, appId: '' }],
    ['appKey', { ...demo, appKey: '' }],
    ['roomId', { ...demo, roomId: 42 as unknown as string }],
    ['userId', { ...demo, userId: undefined as unknown as string }],
    ['nonce', { ...demo, nonce: '' }],
    ['timestamp', { ...demo, timestamp: 1.5 }],
    ['timestamp', { ...demo, timestamp: -1 }],
    ['timestamp', { ...demo, timestamp: '1700000000000' as unknown as number }],
  ])('rejects a bad %s with BAD_REQUEST naming the field', (field, params) => {
    let caught: unknown;
    try {
      computeToken(params);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe('BAD_REQUEST');
    expect((caught as ProtocolError).message).toContain(field);
    expect((caught as ProtocolError).details).toEqual({ field });
  });
});

describe('verifyToken', () => {
  const token = computeToken(demo);

  it('accepts the right token', () => {
    expect(verifyToken(demo, token)).toBe(true);
    expect(verifyToken(jdExample, jdExampleToken)).toBe(true);
  });

  it.each([
    ['another room', { ...demo, roomId: 'room2' }],
    ['another user', { ...demo, userId: 'bob' }],
    ['another expiry', { ...demo, timestamp: demo.timestamp + 1 }],
    ['another nonce', { ...demo, nonce: demo.nonce + 'x' }],
    ['another key', { ...demo, appKey: 'other-key' }],
  ])('rejects the token for %s', (_label, params) => {
    expect(verifyToken(params, token)).toBe(false);
  });

  it('rejects a tampered, truncated, padded or non-string token', () => {
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(verifyToken(demo, flipped)).toBe(false);
    expect(verifyToken(demo, token.slice(0, -1))).toBe(false);
    expect(verifyToken(demo, token + '_')).toBe(false);
    expect(verifyToken(demo, '')).toBe(false);
    expect(verifyToken(demo, undefined as unknown as string)).toBe(false);
  });

  it('answers false, not an exception, for malformed client parameters', () => {
    expect(verifyToken({ ...demo, timestamp: Number.NaN }, token)).toBe(false);
    expect(verifyToken({ ...demo, userId: '' }, token)).toBe(false);
  });

  it('refuses to verify against an empty appKey (CONFIG_ERROR)', () => {
    expect(() => verifyToken({ ...demo, appKey: '' }, token)).toThrow(
      expect.objectContaining({ code: 'CONFIG_ERROR' }),
    );
  });
});

describe('generateNonce', () => {
  it('is AK- plus lower-case hex of the requested size', () => {
    expect(generateNonce()).toMatch(/^AK-[0-9a-f]{32}$/);
    expect(generateNonce(8)).toMatch(/^AK-[0-9a-f]{16}$/);
    expect(generateNonce(30)).toMatch(/^AK-[0-9a-f]{60}$/);
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateNonce()));
    expect(seen.size).toBe(200);
  });

  it.each([0, 7, 31, 2.5, Number.NaN])('rejects size %p', (bytes) => {
    expect(() => generateNonce(bytes)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
