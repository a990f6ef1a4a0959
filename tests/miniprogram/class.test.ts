/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The online class page, teacher and students each a simulated WeChat user on one local cloud:
 * joining fills the stage from watch events, a raised hand reaches the teacher, an invitation
 * brings the student on stage, promote and demote move a student at once, and the teacher runs the
 * class even when a student arrived first (its token carries an owner grant); the stage is capped at
 * MAX_PLAYERS anchors (a student beyond it is refused with STAGE_FULL). Joining, taking the stage,
 * publishing and leaving go through the client's JRTC form (spied on), room control through the Room.
 */
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import { fire, setupPageTest, spyOnClients, texts, waitForData } from './harness';
import type { ClientSpies, PageTestContext, SimPage } from './harness';

interface SeatData {
  userId: string;
  nickName: string;
  self: boolean;
  url: string;
}

let ctx: PageTestContext;
let spies: ClientSpies;

beforeAll(async () => {
  ctx = await setupPageTest();
  spies = spyOnClients();
});

afterAll(async () => {
  await ctx.cleanup();
  spies.restore();
});

const seats = (data: Record<string, unknown>): SeatData[] => data.seats as SeatData[];
const seatOf = (data: Record<string, unknown>, userId: string): SeatData | undefined => seats(data).find((s) => s.userId === userId);
const hands = (data: Record<string, unknown>): Array<{ userId: string }> => data.hands as Array<{ userId: string }>;
const counts = (data: Record<string, unknown>): { broadcasterCount: number; audienceCount: number } =>
  data.counts as { broadcasterCount: number; audienceCount: number };

/** Opens the class page for a new simulated user. */
function enter(room: string, user: string, nick: string, part: 'teacher' | 'student'): SimPage {
  return ctx.open('class', ctx.user(`openid-${user}`), { room, user, nick: encodeURIComponent(nick), part });
}

test('teacher and student: the stage fills from watch events, a raised hand is invited on stage', async () => {
  const teacher = enter('class-a', 'teacher-a', 'Ms Lee', 'teacher');
  await waitForData(teacher, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');
  // JRTC's init: the client itself, not a promise of it.
  expect(spies.init.mock.results[spies.init.mock.results.length - 1].value).toBeInstanceOf(JRTCMiniappClient);
  // Joined as an anchor, the teacher publishes with the client's publish(): its url is the pusher's.
  const published = spies.callsBy('teacher-a', 'publish');
  expect(published).toHaveLength(1);
  await expect(published[0].returned).resolves.toMatchObject({ code: 200, url: teacher.data.pushUrl });
  expect(teacher.data.teacher).toBe(true);
  expect(teacher.querySelector('.pusher')).toBeDefined();
  await waitForData(teacher, (d) => seats(d).length === 1, "the teacher's own seat");
  expect(texts(teacher, '.seat .name')).toEqual(['Ms Lee (you)']);
  // You never play yourself.
  expect(teacher.querySelectorAll('.player')).toHaveLength(0);

  const student = enter('class-a', 'student-a', 'Sam Wu', 'student');
  const joined = await waitForData(student, (d) => Boolean(seatOf(d, 'teacher-a')?.url), "the teacher's stream on the student's stage");
  expect(seatOf(joined, 'teacher-a')).toMatchObject({ nickName: 'Ms Lee', self: false });
  expect(seatOf(joined, 'teacher-a')!.url).toMatch(/^rtmp:\/\//);
  expect(student.querySelectorAll('.player')).toHaveLength(1);
  expect(student.querySelector('.pusher')).toBeUndefined();
  expect(student.data.role).toBe(2);
  await waitForData(teacher, (d) => counts(d).audienceCount === 1, 'the audience count on the teacher page');
  expect(texts(teacher, '.counts')[0]).toBe('1 on stage · 1 listening');

  // Raise hand → the teacher sees it.
  await waitForData(student, (d) => d.state === 'connected', 'the student connected');
  await fire(student.querySelector('.hand-button'), 'tap');
  await waitForData(student, (d) => d.handRaised === true, 'the hand up');
  expect(texts(student, '.hand-button')).toEqual(['Lower hand']);
  await waitForData(teacher, (d) => hands(d).some((h) => h.userId === 'student-a'), 'the raised hand on the teacher page');
  expect(texts(teacher, '.hand .name')).toEqual(['Sam Wu']);

  // The teacher invites → the student is asked, accepts and goes on stage.
  await fire(teacher.querySelector('.invite'), 'tap');
  await waitForData(student, (d) => d.invited === true, 'the invitation on the student page');
  expect(student.querySelector('.invitation')).toBeDefined();
  const before = ctx.actions('openid-student-a').length;
  await fire(student.querySelector('.accept'), 'tap');
  const onStage = await waitForData(student, (d) => d.role === 1 && d.pushUrl !== '', 'the student publishing');
  // Taken with the client's setRole(1), whose publishUrl the pusher plays: one publish, no separate one.
  const setRole = spies.callsBy('student-a', 'setRole');
  expect(setRole.map((c) => c.args)).toEqual([[1]]);
  await expect(setRole[0].returned).resolves.toMatchObject({ code: 200, data: { role: 1, publishUrl: onStage.pushUrl } });
  expect(spies.callsBy('student-a', 'publish')).toHaveLength(0);
  expect(ctx.actions('openid-student-a').slice(before).filter((a) => a === 'setRole' || a === 'publish')).toEqual(['setRole', 'publish']);
  expect(onStage.handRaised).toBe(false);
  expect(student.querySelector('.pusher')).toBeDefined();
  expect(student.querySelector('.hand-button')).toBeUndefined();

  const after = await waitForData(teacher, (d) => Boolean(seatOf(d, 'student-a')?.url) && hands(d).length === 0, "the student's stream on the teacher page");
  expect(seats(after).map((s) => s.userId)).toEqual(['teacher-a', 'student-a']);
  await waitForData(teacher, (d) => counts(d).broadcasterCount === 2 && counts(d).audienceCount === 0, 'the counts after the move');

  // The student leaves (leaveRoom, then destroy): the teacher's stage and counts follow.
  await ctx.close(student);
  const [left] = spies.callsBy('student-a', 'leaveRoom');
  const [destroyed] = spies.callsBy('student-a', 'destroy');
  await expect(left.returned).resolves.toEqual({ code: 200, data: '', reason: '' });
  expect(destroyed.order).toBeGreaterThan(left.order);
  await waitForData(teacher, (d) => !seatOf(d, 'student-a') && counts(d).broadcasterCount === 1, 'the stage without the student');
  await ctx.close(teacher);
});

test('the teacher promotes a raised hand at once and sends the student back', async () => {
  const teacher = enter('class-b', 'teacher-b', 'Mr Ode', 'teacher');
  await waitForData(teacher, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');
  const student = enter('class-b', 'student-b', 'Kim', 'student');
  await waitForData(student, (d) => d.state === 'connected', 'the student connected');

  await fire(student.querySelector('.hand-button'), 'tap');
  await waitForData(teacher, (d) => hands(d).length === 1, 'the raised hand');
  await fire(teacher.querySelector('.promote'), 'tap');
  const promoted = await waitForData(student, (d) => d.role === 1 && d.pushUrl !== '', 'the promoted student publishing');
  // Promoted by the teacher (UserModifyRole), the student publishes with the client's publish().
  expect(spies.callsBy('student-b', 'setRole')).toHaveLength(0);
  const published = spies.callsBy('student-b', 'publish');
  expect(published).toHaveLength(1);
  await expect(published[0].returned).resolves.toMatchObject({ code: 200, url: promoted.pushUrl });
  await waitForData(teacher, (d) => Boolean(seatOf(d, 'student-b')?.url) && hands(d).length === 0, 'the promoted student on stage');

  await fire(teacher.querySelector('.demote'), 'tap');
  await waitForData(student, (d) => d.role === 2 && d.pushUrl === '', 'the student back in the audience');
  expect(student.querySelector('.pusher')).toBeUndefined();
  await waitForData(teacher, (d) => !seatOf(d, 'student-b') && counts(d).audienceCount === 1, 'the stage without the student');
});

test('a student arrives first; the teacher still owns the class: it closes the stage, invites and promotes', async () => {
  const student = enter('class-c', 'student-c', 'Ana', 'student');
  await waitForData(student, (d) => d.state === 'connected', 'the student connected');
  const teacher = enter('class-c', 'teacher-c', 'Mr Roy', 'teacher');
  await waitForData(teacher, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');

  await fire(student.querySelector('.hand-button'), 'tap');
  await waitForData(teacher, (d) => hands(d).some((h) => h.userId === 'student-c'), 'the raised hand on the teacher page');
  await fire(teacher.querySelector('.invite'), 'tap');
  await waitForData(student, (d) => d.invited === true, 'the invitation on the student page');
  await fire(teacher.querySelector('.promote'), 'tap');
  await waitForData(student, (d) => d.role === 1 && d.pushUrl !== '', 'the promoted student publishing');
  // None of the teacher's owner calls (the invite-only stage included) was refused.
  expect(teacher.data.notice).toBe('');
  const rooms = await ctx.cloud.store.find('jrtc_rooms', {});
  expect(rooms.find((r) => r.userRoomId === 'class-c')).toMatchObject({ ownerUserId: 'teacher-c', stagePolicy: 'invite' });
  await ctx.close(student);
  await ctx.close(teacher);
});

test('a bad query shows a typed error and joins nothing', async () => {
  const page = ctx.open('class', ctx.user('openid-bad'), { room: 'no spaces allowed', user: 'u1', part: 'student' });
  await waitForData(page, (d) => typeof d.notice === 'string' && d.notice !== '', 'the notice');
  expect(page.data.notice).toMatch(/^BAD_REQUEST: room/);
  expect(page.data.state).toBe('joining');
});

test('the stage is capped at MAX_PLAYERS: an invited student beyond it sees STAGE_FULL and accepts again once a seat is freed', async () => {
  // Five anchors take the open stage before the class starts (straight through the function).
  const early = Array.from({ length: 5 }, (_, i) => `early-d${i}`);
  for (const userId of early) {
    const cloud = ctx.user(`openid-${userId}`);
    const request = { appId: 'demo-app', userRoomId: 'class-d', userId };
    const issued = await cloud.callFunction({ name: 'jrtc', data: { action: 'issueToken', ...request } });
    const token = (issued.result as { data: Record<string, unknown> }).data;
    const joined = await cloud.callFunction({ name: 'jrtc', data: { action: 'joinRoom', ...request, ...token, role: 1 } });
    expect(joined.result).toMatchObject({ ok: true });
  }
  // The teacher makes six (MAX_PLAYERS) and caps the stage there.
  const teacher = enter('class-d', 'teacher-d', 'Ms Fox', 'teacher');
  await waitForData(teacher, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');
  await waitForData(teacher, (d) => counts(d).broadcasterCount === 6, 'six anchors');
  // The page sets the policy and the cap after its join: wait for them to be stored.
  const capped = async (): Promise<boolean> =>
    (await ctx.cloud.store.find('jrtc_rooms', {})).some((r) => r.userRoomId === 'class-d' && r.stagePolicy === 'invite' && r.maxAnchors === 6);
  for (let tries = 0; !(await capped()); tries += 1) {
    if (tries > 500) throw new Error('the stage cap was never stored');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  const student = enter('class-d', 'student-d', 'Leo', 'student');
  await waitForData(student, (d) => d.state === 'connected', 'the student connected');
  await fire(student.querySelector('.hand-button'), 'tap');
  await waitForData(teacher, (d) => hands(d).some((h) => h.userId === 'student-d'), 'the raised hand on the teacher page');
  await fire(teacher.querySelector('.invite'), 'tap');
  await waitForData(student, (d) => d.invited === true, 'the invitation on the student page');
  await fire(student.querySelector('.accept'), 'tap');
  const refused = await waitForData(student, (d) => typeof d.notice === 'string' && d.notice !== '', 'the refusal');
  // The client's setRole rejected with a JRTCFailure: JRTC's 430, our STAGE_FULL shown as the notice.
  await expect(spies.callsBy('student-d', 'setRole')[0].returned).rejects.toMatchObject({ code: 430, errorCode: 'STAGE_FULL' });
  expect(refused.notice).toMatch(/^STAGE_FULL: /);
  expect(texts(student, '.notice')).toEqual([refused.notice]);
  // The invitation stands (the server keeps it): the offer stays on the student's page.
  expect(student.data).toMatchObject({ role: 2, pushUrl: '', invited: true });
  expect(student.querySelector('.pusher')).toBeUndefined();
  expect(counts(teacher.data).broadcasterCount).toBe(6);

  // The refusal changed nothing: the hand is still up on the teacher's list. The teacher's promotion is
  // refused too while the stage is full (its notice); once a seat is freed the student accepts again.
  expect(hands(teacher.data).map((h) => h.userId)).toEqual(['student-d']);
  await fire(teacher.querySelector('.promote'), 'tap');
  await waitForData(teacher, (d) => String(d.notice).startsWith('STAGE_FULL: '), "the refused promotion's notice");
  await fire(teacher.querySelectorAll('.demote')[0], 'tap');
  await waitForData(teacher, (d) => counts(d).broadcasterCount === 5, 'a seat freed');
  await fire(student.querySelector('.accept'), 'tap');
  await waitForData(student, (d) => d.role === 1 && d.pushUrl !== '' && d.invited === false, 'the student publishing');
  await waitForData(teacher, (d) => counts(d).broadcasterCount === 6 && hands(d).length === 0, 'the student on stage');
  await ctx.close(student);
  await ctx.close(teacher);
});
