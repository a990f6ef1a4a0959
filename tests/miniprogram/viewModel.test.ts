/**
 * The demo's pure helpers: the stage's seats from a roster, the page query the landing page writes
 * and the scenario pages read, and how the pages read failures of either API (the Room's JRTCError,
 * the JRTC form's JRTCFailure): as the notice, and in token renewal's decision to retry.
 */
import { seatsOf } from '../../miniprogram/utils/seats';
import { entryUrl, readEntry } from '../../miniprogram/utils/query';
import { describeError, errorCodeOf } from '../../miniprogram/utils/errors';
import { renewTokens } from '../../miniprogram/utils/renewal';
import { readServiceEntry } from '../../miniprogram/pages/service/serviceEntry';
import { durationWords, endWords } from '../../miniprogram/pages/service/callWords';
import { ErrorCode, JRTCError, JRTCFailure } from '../../miniprogram/lib/jrtc-miniapp.min';
import type { CloudLike, Member, Room } from '../../miniprogram/lib/jrtc-miniapp.min';

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
    expect(seatsOf(members, 'x', urls, '', { maxPlayers: 2 }).map((s) => s.url)).toEqual(['rtmp://a', 'rtmp://b', '']);
  });

  test("while the owner muted the room every seat but the owner's shows muted", () => {
    const members = ['owner', 'a', 'b'].map((id, i) => member(id, i));
    expect(seatsOf(members, 'a', {}, '', { allMutedBut: 'owner' }).map((s) => [s.userId, s.muted])).toEqual([
      ['owner', false],
      ['a', true],
      ['b', true],
    ]);
  });
});

/** The same cause as either API rejects with it. */
const bothShapes = (code: ErrorCode, message: string): Array<[string, unknown]> => [
  ['JRTCError (Room API)', new JRTCError(code, message)],
  ['JRTCFailure (JRTC form)', new JRTCFailure(new JRTCError(code, message))],
];

describe('failures of either API', () => {
  test.each(bothShapes(ErrorCode.STAGE_FULL, 'the stage is full'))('%s: our string code and the words', (_, err) => {
    expect(errorCodeOf(err)).toBe('STAGE_FULL');
    expect(describeError(err)).toBe('STAGE_FULL: the stage is full');
  });

  test("JRTC's numeric code alone is not ours: the words are shown", () => {
    expect(errorCodeOf({ code: 430, reason: 'bad' })).toBe('');
    expect(describeError({ code: 430, reason: 'bad' })).toBe('bad');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('text')).toBe('text');
  });

  /** Runs one renewal that fails with `err` and says whether renewTokens retries it. */
  async function retries(err: unknown): Promise<boolean> {
    let warn: ((expiresAt: number) => void) | undefined;
    const room = {
      state: 'connected',
      on: (_event: string, listener: (expiresAt: number) => void) => ((warn = listener), () => undefined),
      renewToken: () => Promise.reject(err),
    } as unknown as Room;
    const cloud = { callFunction: async () => ({ result: { ok: true, data: { token: 't', nonce: 'n', timestamp: 1, userId: 'u' } } }) } as unknown as CloudLike;
    const failed = new Promise<boolean>((resolve) => {
      const stop = renewTokens({
        cloud,
        room,
        request: { appId: 'a', userRoomId: 'r', userId: 'u' },
        onFailure: (_err, retrying) => (stop(), resolve(retrying)),
        onRecovered: () => undefined,
      });
    });
    warn!(Date.now() + 3600_000);
    return failed;
  }

  test.each(bothShapes(ErrorCode.SESSION_REPLACED, 'another device'))('%s: a session that is over is not renewed again', async (_, err) => {
    expect(await retries(err)).toBe(false);
  });

  test.each(bothShapes(ErrorCode.NETWORK, 'offline'))('%s: a passing failure is retried', async (_, err) => {
    expect(await retries(err)).toBe(true);
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

  test('defaults: the first part of the scenario; no user and no nickname, which the cloud and the join fill in', () => {
    expect(readEntry('service', { room: 'r' })).toEqual({ scenario: 'service', userRoomId: 'r', userId: '', nickName: '', part: 'agent' });
    expect(entryUrl({ scenario: 'meeting', userRoomId: 'r', userId: '', nickName: '', part: 'member' })).toBe('/pages/meeting/meeting?room=r&part=member');
  });

  test.each([
    [{ room: 'a b', user: 'u' }, /^room/],
    [{ room: 'r', user: 'a b' }, /^user/],
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

describe('the service page: its query and its words for a call that ended', () => {
  test('the ring message deep link opens the page as the one rung; ids the protocol would refuse are refused', () => {
    expect(readServiceEntry({ callId: 'c-1', appId: 'demo-app' })).toEqual({ part: 'customer', userId: '', nickName: '', callId: 'c-1', backend: 'rtmp' });
    expect(readServiceEntry({ part: 'agent', user: 'agent%401', nick: 'Li%20Na', room: 'ignored' })).toEqual({ part: 'agent', userId: 'agent@1', nickName: 'Li Na', callId: '', backend: 'rtmp' });
    expect(readServiceEntry({ part: 'agent', backend: 'voip' }).backend).toBe('voip');
    expect(() => readServiceEntry({ part: 'agent', backend: 'webrtc' })).toThrow('backend: one of rtmp, trtc, voip');
  });

  test('refuses a bad user, part, call id or another app', () => {
    expect(() => readServiceEntry({ user: 'a b' })).toThrow(/user/);
    expect(() => readServiceEntry({ part: 'teacher' })).toThrow(/part/);
    expect(() => readServiceEntry({ callId: 'x/y' })).toThrow(/callId/);
    expect(() => readServiceEntry({ callId: 'c', appId: 'other-app' })).toThrow(/other-app/);
  });

  test('each end reason in words, from each side', () => {
    const caller = { caller: true, byMe: false, peer: 'Ann' };
    const callee = { caller: false, byMe: false, peer: 'Li' };
    expect(endWords('busy', caller)).toBe('Ann is busy in another call');
    expect(endWords('noAnswer', caller)).toBe('No answer from Ann');
    expect(endWords('noAnswer', callee)).toBe('Missed call from Li');
    expect(endWords('rejected', { ...callee, byMe: true })).toBe('You declined the call');
    expect(endWords('canceled', callee)).toBe('Missed call: Li hung up before you answered');
    expect(endWords('hangup', caller)).toBe('Ann hung up');
    expect(endWords('offline', caller)).toMatch(/^Ann cannot be reached/);
    expect(endWords('networkLost', callee)).toBe('The connection to Li was lost');
    expect(durationWords(65_400)).toBe('1:05');
  });
});
