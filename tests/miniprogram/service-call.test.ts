/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The customer-service page as a real call, two page instances on one local cloud through the built
 * SDK and calls bundles: the agent rings the customer by userId, the customer's page rings, both
 * talk (publish and play each other), and every end shows as such on both sides: hang-up, declined,
 * canceled, busy (no answer: service-noanswer.test.ts). Then the app closes, the agent rings again, the subscription message
 * goes out, and the page opened from its deep link shows the ringing call and answers it.
 */
import { requestSubscribeMessage, sentMessages } from '../../emulator/openapi/phone';
import { fire, setupPageTest, texts, waitForData } from './harness';
import type { PageTestContext, SimPage } from './harness';
import { desk as openDesk, ended, listening, ring } from './serviceHelpers';

let ctx: PageTestContext;
const desk = (user: string, part: 'agent' | 'customer', nick: string): SimPage => openDesk(ctx, user, part, nick);

beforeAll(async () => {
  ctx = await setupPageTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

interface SeatData {
  userId: string;
  url: string;
}
const playing = (data: Record<string, unknown>): string[] => (data.seats as SeatData[]).filter((s) => s.url).map((s) => s.userId);

test('ring → accept → talk → hang up; then a ring by message while the app is closed opens the call from its deep link', async () => {
  const agent = desk('agent-1', 'agent', 'Agent Li');
  const customer = desk('cust-1', 'customer', 'Ann');
  await listening(agent, 'agent-1');
  await listening(customer, 'cust-1');
  expect(customer.querySelector('.ring')).toBeUndefined();
  expect(texts(customer, '.waiting')).toEqual(['Waiting for a call: give the agent your userId.']);

  await ring(agent, 'cust-1');
  await waitForData(agent, (d) => d.phase === 'calling', 'the agent ringing');
  expect(texts(agent, '.calling')).toEqual(['Ringing cust-1…']);
  await waitForData(customer, (d) => d.phase === 'ringing', 'the customer rung');
  expect(texts(customer, '.incoming-from')).toEqual(['Agent Li is calling']);

  await fire(customer.querySelector('.accept'), 'tap');
  await waitForData(customer, (d) => d.phase === 'talking' && d.pushUrl !== '' && playing(d).join() === 'agent-1', 'the customer talking and hearing the agent');
  await waitForData(agent, (d) => d.phase === 'talking' && d.pushUrl !== '' && playing(d).join() === 'cust-1', 'the agent talking and hearing the customer');
  expect(customer.querySelectorAll('.player')).toHaveLength(1);
  expect(texts(agent, '.hang-up')).toEqual(['Hang up']);
  await fire(customer.querySelector('.mute'), 'tap');
  await waitForData(customer, (d) => d.muted === true, 'the customer muted');
  expect(texts(customer, '.mute')).toEqual(['Unmute']);

  await fire(agent.querySelector('.hang-up'), 'tap');
  expect(await ended(agent, 'hangup', 'the agent')).toBe('You hung up');
  expect(await ended(customer, 'hangup', 'the customer')).toBe('Agent Li hung up');
  expect(texts(customer, '.talked')[0]).toMatch(/^talked \d+:\d\d$/);
  // The media stopped with the call.
  expect(customer.data).toMatchObject({ pushUrl: '', seats: [] });
  expect(customer.querySelector('.player')).toBeUndefined();

  // After the call, the customer allows a ring while the app is closed: a tap, then WeChat's prompt
  // (the simulated phone's wx.requestSubscribeMessage, answered "allow").
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
  wx.requestSubscribeMessage = (o: { tmplIds: string[]; success(r: unknown): void; fail(e: unknown): void }) =>
    requestSubscribeMessage({ url: ctx.cloud.url, openid: 'openid-cust-1' }, o).then(o.success, o.fail);
  await fire(customer.querySelector('.allow-ring'), 'tap');
  await waitForData(customer, (d) => d.canAskRing === false, 'ringing when closed allowed');
  expect(customer.data.notice).toBe('You will be rung once while the app is closed');
  await ctx.close(customer);

  // The app is closed: the agent's ring goes out as a subscription message.
  await ring(agent, 'cust-1');
  const calling = await waitForData(agent, (d) => d.phase === 'calling' && d.callId !== '', 'the agent ringing a closed app');
  const callId = String(calling.callId);
  const [message] = await sentMessages(ctx.cloud.url, 'openid-cust-1');
  expect(message.page).toBe(`pages/service/service?callId=${callId}&appId=demo-app`);

  // The message opens the page with its query only: the call's own view says whom it rings.
  const [, query] = String(message.page).split('?');
  const opened = ctx.open('service', ctx.user('openid-cust-1'), Object.fromEntries(new URLSearchParams(query)));
  await waitForData(opened, (d) => d.phase === 'ringing' && d.callId === callId && d.me === 'cust-1', 'the deep-linked page ringing');
  expect(texts(opened, '.incoming-from')).toEqual(['Agent Li is calling']);
  await fire(opened.querySelector('.accept'), 'tap');
  await waitForData(opened, (d) => d.phase === 'talking' && playing(d).join() === 'agent-1', 'the deep-linked customer talking');
  await waitForData(agent, (d) => d.phase === 'talking', 'the agent talking again');
  await fire(opened.querySelector('.hang-up'), 'tap');
  expect(await ended(agent, 'hangup', 'the agent')).toBe('cust-1 hung up');
  await ctx.close(opened);
  await ctx.close(agent);
});

test('declined and canceled: each side says who ended it', async () => {
  const agent = desk('agent-2', 'agent', 'Agent Wu');
  const customer = desk('cust-2', 'customer', 'Bo');
  await listening(agent, 'agent-2');
  await listening(customer, 'cust-2');

  await ring(agent, 'cust-2');
  await waitForData(customer, (d) => d.phase === 'ringing', 'the customer rung');
  await fire(customer.querySelector('.decline'), 'tap');
  expect(await ended(customer, 'rejected', 'the customer')).toBe('You declined the call');
  expect(await ended(agent, 'rejected', 'the agent')).toBe('cust-2 declined the call');
  expect(agent.data.talked).toBe('');

  await ring(agent, 'cust-2');
  await waitForData(customer, (d) => d.phase === 'ringing', 'the customer rung again');
  expect(texts(agent, '.hang-up')).toEqual(['Cancel']);
  await fire(agent.querySelector('.hang-up'), 'tap');
  expect(await ended(agent, 'canceled', 'the agent')).toBe('You canceled the call');
  expect(await ended(customer, 'canceled', 'the customer')).toBe('Missed call: Agent Wu hung up before you answered');

  // Cancel tapped before the ring's own reply came back (its call id not known yet): it cancels once it is.
  await ring(agent, 'cust-2');
  expect(agent.data.callId).toBe('');
  await fire(agent.querySelector('.hang-up'), 'tap');
  expect(await ended(agent, 'canceled', 'the agent, cancelling early')).toBe('You canceled the call');
  for (const page of [customer, agent]) await ctx.close(page);
});

test('busy: a customer in a call is busy for a second agent', async () => {
  const agent = desk('agent-3', 'agent', 'Agent Xu');
  const other = desk('agent-4', 'agent', 'Agent Yu');
  const customer = desk('cust-3', 'customer', 'Cy');
  for (const [page, user] of [[agent, 'agent-3'], [other, 'agent-4'], [customer, 'cust-3']] as const) await listening(page, user);

  await ring(agent, 'cust-3');
  await waitForData(customer, (d) => d.phase === 'ringing', 'the customer rung');
  await fire(customer.querySelector('.accept'), 'tap');
  await waitForData(customer, (d) => d.phase === 'talking', 'the customer talking');

  await ring(other, 'cust-3');
  expect(await ended(other, 'busy', 'the second agent')).toBe('cust-3 is busy in another call');
  expect(customer.data.phase).toBe('talking');
  await fire(customer.querySelector('.hang-up'), 'tap');
  expect(await ended(agent, 'hangup', 'the agent')).toBe('cust-3 hung up');
  for (const page of [customer, other, agent]) await ctx.close(page);
});
