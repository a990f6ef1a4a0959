/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The service page when nobody answers: on a cloud whose ring runs out in 5 s (the least
 * JRTC_CALL_RING_SECONDS takes; shipped: 30 s), both pages end the call with noAnswer, each in its
 * own words. A cloud of its own, so that the other call tests keep the shipped ring time.
 */
import { setupPageTest, waitForData } from './harness';
import type { PageTestContext } from './harness';
import { desk, ended, listening, ring } from './serviceHelpers';

let ctx: PageTestContext;

beforeAll(async () => {
  ctx = await setupPageTest({ functionEnv: { JRTC_CALL_RING_SECONDS: '5' } });
});

afterAll(async () => {
  await ctx.cleanup();
});

test('no answer: the ring runs out on both sides', async () => {
  const agent = desk(ctx, 'agent-5', 'agent', 'Agent Yu');
  const customer = desk(ctx, 'cust-5', 'customer', 'Di');
  await listening(agent, 'agent-5');
  await listening(customer, 'cust-5');
  await ring(agent, 'cust-5');
  await waitForData(customer, (d) => d.phase === 'ringing', 'the customer rung');
  expect(await ended(agent, 'noAnswer', 'the agent', 20_000)).toBe('No answer from cust-5');
  expect(await ended(customer, 'noAnswer', 'the customer', 20_000)).toBe('Missed call from Agent Yu');
  for (const page of [customer, agent]) await ctx.close(page);
}, 30_000);
