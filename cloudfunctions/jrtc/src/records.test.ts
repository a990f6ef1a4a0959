import { memberSchema } from '../../../shared';
import { memberDocSchema, nonceIdOf, parseDoc, toPublicMember } from './records';

describe('nonceIdOf', () => {
  it('keeps plain nonces readable and hashes anything else', () => {
    expect(nonceIdOf('app', 'AK-0123abcd')).toBe('app:AK-0123abcd');
    const odd = nonceIdOf('app', 'a.b/$c');
    expect(odd).toMatch(/^app:#[0-9a-f]{64}$/);
    expect(odd).not.toBe(nonceIdOf('app', 'a.b/$d'));
  });
});

describe('stored documents', () => {
  const doc = {
    _id: 'app:r:u',
    roomKey: 'app:r',
    userId: 'u',
    nickName: 'U',
    peerId: 'u',
    role: 1,
    stream: { streamId: 's', publishing: false, muted: false },
    joinedAt: 1,
    version: 1,
  };

  it('the public view of a member has exactly the shared member fields', () => {
    // The optional flags (absent means false) appear once set.
    const flagged = { ...doc, handRaised: true, invited: false, extra: 'dropped' };
    const pub = toPublicMember(flagged);
    expect(Object.keys(pub).sort()).toEqual(Object.keys(memberSchema.shape).sort());
    expect(Object.keys(toPublicMember(doc))).not.toContain('handRaised');
  });

  it('a malformed stored document is an error, not half-typed data', () => {
    expect(() => parseDoc(memberDocSchema, { ...doc, role: 3 }, 'member')).toThrow(/malformed/);
    expect(parseDoc(memberDocSchema, null, 'member')).toBeNull();
  });
});
