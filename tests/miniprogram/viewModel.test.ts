/**
 * The demo's pure helpers: the stage's seats from a roster, and the page query the landing page
 * writes and the scenario pages read.
 */
import { seatsOf } from '../../miniprogram/utils/seats';
import { entryUrl, readEntry } from '../../miniprogram/utils/query';
import type { Member } from '../../miniprogram/lib/jrtc-miniapp.min';

function member(userId: string, joinedAt: number, extra: Partial<Member> = {}): Member {
  return {
    userId,
    nickName: '',
    peerId: '',
    role: 1,
    stream: { streamId: `s-${userId}`, publishing: true, muted: false },
    joinedAt,
    version: 1,
    ...extra,
  };
}

describe('seatsOf', () => {
  test('anchors in joining order; your seat never plays; a stream plays once its URL is known', () => {
    const members = [
      member('bob', 20),
      member('me', 10),
      member('listener', 5, { role: 2 }),
      member('cy', 30, { stream: { streamId: 's', publishing: false, muted: true } }),
      member('dee', 40),
    ];
    const seats = seatsOf(members, 'me', { bob: 'rtmp://b', me: 'rtmp://self', cy: 'rtmp://c' }, 'bob');
    expect(seats.map((s) => [s.userId, s.self, s.url, s.speaking, s.muted])).toEqual([
      ['me', true, '', false, false],
      ['bob', false, 'rtmp://b', true, false],
      ['cy', false, '', false, true],
      ['dee', false, '', false, false],
    ]);
    expect(seats[0].nickName).toBe('me');
  });

  test('plays at most maxPlayers streams', () => {
    const members = ['a', 'b', 'c'].map((id, i) => member(id, i));
    const urls = { a: 'rtmp://a', b: 'rtmp://b', c: 'rtmp://c' };
    expect(seatsOf(members, 'x', urls, '', 2).map((s) => s.url)).toEqual(['rtmp://a', 'rtmp://b', '']);
  });
});

describe('the page query', () => {
  test('what entryUrl writes, readEntry reads back (nicknames with any characters)', () => {
    const entry = { scenario: 'class' as const, userRoomId: 'class-1', userId: 'u-1', nickName: 'Zoë & 老师?', part: 'student' };
    const url = entryUrl(entry);
    expect(url.startsWith('/pages/class/class?')).toBe(true);
    const query = Object.fromEntries(url.split('?')[1].split('&').map((kv) => kv.split('=') as [string, string]));
    expect(readEntry('class', query)).toEqual(entry);
  });

  test('defaults: the first part of the scenario, the userId as nickname', () => {
    expect(readEntry('service', { room: 'r', user: 'u' })).toMatchObject({ part: 'agent', nickName: 'u' });
  });

  test.each([
    [{ room: 'a b', user: 'u' }, /^room/],
    [{ room: 'r', user: '' }, /^user/],
    [{ room: 'r', user: 'u', part: 'teacher' }, /^part/],
  ])('rejects %j with BAD_REQUEST', (query, message) => {
    let caught: unknown;
    try {
      readEntry('meeting', query);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) });
  });
});
