import fc from 'fast-check';
import { streamIdOf } from './streamId';

const id = fc.stringMatching(/^[A-Za-z0-9_.@-]{1,64}$/);

describe('streamIdOf', () => {
  it('is deterministic and readable', () => {
    const a = streamIdOf('app', 'room-1', 'alice');
    expect(a).toBe(streamIdOf('app', 'room-1', 'alice'));
    expect(a).toMatch(/^room-1_alice_[0-9a-f]{12}$/);
  });

  it('uses only characters every media server accepts, and stays short', () => {
    fc.assert(fc.property(id, id, id, (appId, room, user) => {
      const s = streamIdOf(appId, room, user);
      return /^[A-Za-z0-9_-]+$/.test(s) && s.length <= 24 + 1 + 24 + 1 + 12;
    }));
  });

  it('tells apart members whose readable parts coincide', () => {
    expect(streamIdOf('app', 'r.1', 'u')).not.toBe(streamIdOf('app', 'r@1', 'u'));
    expect(streamIdOf('app', 'r', 'u_x')).not.toBe(streamIdOf('app', 'r_u', 'x'));
    expect(streamIdOf('app1', 'r', 'u')).not.toBe(streamIdOf('app2', 'r', 'u'));
    const long = 'x'.repeat(40);
    expect(streamIdOf('app', 'r', `${long}1`)).not.toBe(streamIdOf('app', 'r', `${long}2`));
  });
});
