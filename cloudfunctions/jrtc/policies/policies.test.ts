import { ErrorCode } from '../../../shared';
import { APP_ID, codeOf, createTestCloud } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';
import { policy as teachers, TEACHERS } from './teachers';
import { policy as allowList } from './allowList';

/** The worked examples of docs/deploy.md "Your policy", each run by the core on the real database. */
describe('policy examples', () => {
  let cloud: TestCloud;
  afterEach(async () => {
    await cloud.close();
  });
  const ask = (openid: string, room: string, owner: boolean) =>
    cloud.call(openid, 'issueToken', { appId: APP_ID, userRoomId: room, owner });

  test('JRTC_OWNER_GRANTS=policy with the default policy: nobody gets an owner grant, everyone a token', async () => {
    cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'policy', JRTC_USER_IDS: 'caller' });
    expect(codeOf(await ask('o-a', 'class-1', true))).toBe(ErrorCode.POLICY_DENIED);
    expect(codeOf(await ask('o-a', 'class-1', false))).toBeUndefined();
  });

  test('teachers: a listed teacher owns its class room, nobody else owns it, everyone gets a token', async () => {
    cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'policy', JRTC_USER_IDS: 'caller' }, teachers);
    // The policy's collection, added to the provisioning as the policy's comment asks.
    await cloud.provision({ [TEACHERS]: { rule: { read: false, write: false }, indexes: [] } });
    await cloud.store.put(TEACHERS, `${APP_ID}:class-1`, { openids: ['o-teacher'] });
    const before = await cloud.snapshot();
    expect(codeOf(await ask('o-student', 'class-1', true))).toBe(ErrorCode.POLICY_DENIED);
    expect(codeOf(await ask('o-teacher', 'class-2', true))).toBe(ErrorCode.POLICY_DENIED); // not its room
    expect(await cloud.snapshot()).toEqual(before); // refusals write nothing
    const granted = await cloud.ok('o-teacher', 'issueToken', { appId: APP_ID, userRoomId: 'class-1', owner: true });
    const joined = await cloud.ok('o-teacher', 'joinRoom', { ...granted, role: 1 });
    expect(joined.room.ownerUserId).toBe(granted.userId);
    expect(codeOf(await ask('o-student', 'class-1', false))).toBeUndefined();
  });

  test('allowList: only the listed WeChat users get tokens', async () => {
    const saved = process.env.JRTC_ALLOWED_OPENIDS;
    process.env.JRTC_ALLOWED_OPENIDS = 'o-in, o-also';
    try {
      cloud = await createTestCloud({ JRTC_USER_IDS: 'caller' }, allowList);
      expect(codeOf(await ask('o-in', 'r', false))).toBeUndefined();
      expect(codeOf(await ask('o-also', 'r', false))).toBeUndefined();
      expect(codeOf(await ask('o-out', 'r', false))).toBe(ErrorCode.POLICY_DENIED);
      expect(codeOf(await ask('o-in', 'r', true))).toBe(ErrorCode.POLICY_DENIED); // JRTC_OWNER_GRANTS=none
    } finally {
      if (saved === undefined) delete process.env.JRTC_ALLOWED_OPENIDS;
      else process.env.JRTC_ALLOWED_OPENIDS = saved;
    }
  });
});
