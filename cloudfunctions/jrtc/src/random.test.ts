import { cryptoRandom } from './random';

describe('cryptoRandom', () => {
  it('gives base64url ids of the asked entropy, never the same one twice across pool refills', () => {
    const seen = new Set<string>();
    // 3000 ids of 16 bytes draw the 4 KiB pool about twelve times.
    for (let i = 0; i < 3000; i += 1) {
      const id = cryptoRandom.id(16);
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(3000);
    expect(Buffer.from(cryptoRandom.id(12), 'base64url')).toHaveLength(12);
    // Larger than the pool: drawn directly.
    expect(Buffer.from(cryptoRandom.id(5000), 'base64url')).toHaveLength(5000);
  });

  it('does not hand out all-zero ids (bytes already used are zeroed in the pool, never reused)', () => {
    const zero = Buffer.alloc(16).toString('base64url');
    for (let i = 0; i < 600; i += 1) expect(cryptoRandom.id(16)).not.toBe(zero);
  });
});
