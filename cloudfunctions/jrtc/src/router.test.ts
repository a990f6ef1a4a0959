import { ErrorCode } from '../../../shared';
import { handle } from './router';
import { callerOf, codeOf, createTestCloud, joinAs } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await createTestCloud();
});
afterEach(async () => {
  await cloud.close();
});

describe('handle', () => {
  it.each([null, undefined, 42, 'joinRoom', [], [{ action: 'heartbeat' }], true])('answers BAD_REQUEST for the event %j', async (event) => {
    expect(codeOf(await cloud.raw('openid-a', event))).toBe(ErrorCode.BAD_REQUEST);
  });

  it.each([{}, { action: 'nope' }, { action: 42 }, { action: 'toString' }, { action: '__proto__' }, { action: 'x'.repeat(10_000) }])(
    'answers UNKNOWN_ACTION for %p',
    async (event) => {
      const reply = await cloud.raw('openid-a', event);
      expect(codeOf(reply)).toBe(ErrorCode.UNKNOWN_ACTION);
      expect(JSON.stringify(reply).length).toBeLessThan(300);
    },
  );

  it('answers UNAUTHENTICATED without an OPENID, before looking at the payload', async () => {
    const reply = await handle({ action: 'getRoomMemberCount' }, { ...callerOf(''), SOURCE: 'wx_http' }, cloud.deps);
    expect(codeOf(reply)).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('ignores the platform userInfo and lists validation problems briefly', async () => {
    const reply = await cloud.raw('openid-a', { action: 'heartbeat', userInfo: { appId: 'wx', openId: 'o' }, appId: 5 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(reply.error.details).toEqual(
      expect.arrayContaining([
        { path: 'appId', message: expect.any(String) },
        { path: 'userRoomId', message: expect.any(String) },
        { path: 'sessionId', message: expect.any(String) },
      ]),
    );
    expect(JSON.stringify(reply.error.details)).not.toContain('userInfo');
  });

  it('answers INTERNAL (and logs) when the database fails, without leaking the cause', async () => {
    const { session } = await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1);
    const logged: unknown[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    try {
      const broken = {
        ...cloud.deps,
        db: {
          ...cloud.deps.db,
          command: cloud.deps.db.command,
          collection: () => {
            throw new Error('disk on fire');
          },
          runTransaction: () => Promise.reject(new Error('disk on fire')),
        },
      };
      const reply = await handle({ action: 'getRoomMemberCount', ...session }, callerOf('openid-a'), broken);
      expect(reply).toEqual({ ok: false, error: { code: ErrorCode.INTERNAL, message: 'internal error' } });
      expect(logged).toHaveLength(1);
      expect(String(logged[0])).toContain('getRoomMemberCount');
    } finally {
      spy.mockRestore();
    }
  });
});
