/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The demo pages on a cloud configured as cloudbaserc.json ships (JRTC_USER_IDS=caller,
 * JRTC_OWNER_GRANTS=none), as two phones meet them on a real deployment: each enters without a
 * userId and joins as the one the cloud derives from its WeChat identity; the teacher's request for
 * an owner grant is refused and the page joins without it, owning the room it created; a student
 * who arrives at a room someone else created does not own it.
 */
import { setupPageTest, waitForData } from './harness';
import type { PageTestContext } from './harness';

let ctx: PageTestContext;

beforeAll(async () => {
  ctx = await setupPageTest({ functionEnv: { JRTC_USER_IDS: 'caller', JRTC_OWNER_GRANTS: 'none' } });
});

afterAll(async () => {
  await ctx.cleanup();
});

test('pages entered without a userId join as their WeChat identity; the teacher owns the class it opened', async () => {
  const teacher = ctx.open('class', ctx.user('openid-phone-1'), { room: 'class-p', nick: 'Ms P', part: 'teacher' });
  await waitForData(teacher, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');
  expect(teacher.data.userId).toMatch(/^wx_[A-Za-z0-9_-]{22}$/);
  expect(teacher.data.owner).toBe(true);
  expect(ctx.actions('openid-phone-1').filter((a) => a === 'issueToken')).toHaveLength(2); // owner refused, then without

  const student = ctx.open('class', ctx.user('openid-phone-2'), { room: 'class-p', part: 'student' });
  await waitForData(student, (d) => d.state === 'connected', 'the student joined');
  expect(student.data.userId).toMatch(/^wx_/);
  expect(student.data.userId).not.toBe(teacher.data.userId);
  expect(student.data.owner).toBe(false);
  await ctx.close(student);
  await ctx.close(teacher);
}, 60_000);
