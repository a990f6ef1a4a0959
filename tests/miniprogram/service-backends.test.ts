/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The service page renders what the call's backend needs (docs/backends.md): on `voip` no
 * `<live-pusher>` nor `<live-player>`, both phones in WeChat's VoIP chat (the simulated phone's
 * joinVoIPChat, checking the function's signature) and the speaker from the chat; on `trtc`
 * room:// URLs on the components (the players' 0.2 / 0.8 s cache bound to `backend`).
 */
import { createVoipChat } from '../../emulator/openapi/phone';
import type { SimulatedVoipChat } from '../../emulator/openapi/phone';
import { fire, setupPageTest, texts, waitForData } from './harness';
import type { PageTestContext, SimPage } from './harness';
import { ended, listening, ring } from './serviceHelpers';

let ctx: PageTestContext;
const chats: SimulatedVoipChat[] = [];

beforeAll(async () => {
  ctx = await setupPageTest();
});

afterAll(async () => {
  chats.forEach((c) => c.close());
  await ctx.cleanup();
});

/** The service page of `user` on a phone with its own VoIP chat. */
function desk(user: string, query: Record<string, string>): { page: SimPage; voip: SimulatedVoipChat } {
  const openid = `openid-${user}`;
  const voip = createVoipChat({ url: ctx.cloud.url, openid });
  chats.push(voip);
  return { page: ctx.open('service', ctx.user(openid), { user, nick: user, ...query }, voip), voip };
}

/** The agent's page rings the customer's on `backend`, and the customer answers. */
async function answeredCall(agentId: string, customerId: string, backend: string) {
  const agent = desk(agentId, { part: 'agent', backend });
  const customer = desk(customerId, { part: 'customer' });
  await listening(agent.page, agentId);
  await listening(customer.page, customerId);
  await ring(agent.page, customerId);
  await waitForData(customer.page, (d) => d.phase === 'ringing', 'the customer rung');
  await fire(customer.page.querySelector('.accept'), 'tap');
  return { agent, customer };
}

const sorted = (v: unknown): string => [...(v as string[])].sort().join();

test('a call on voip: both phones in the chat, no media components, the speaker from the chat', async () => {
  const { agent, customer } = await answeredCall('agent-v', 'cust-v', 'voip');

  for (const [label, { page }] of [['customer', customer], ['agent', agent]] as const) {
    await waitForData(page, (d) => d.phase === 'talking' && d.backend === 'voip' && sorted(d.inChat) === 'agent-v,cust-v', `the ${label} in the chat`);
    expect(page.data.pushUrl).toBe('');
    expect(page.querySelector('.pusher')).toBeUndefined();
    expect(page.querySelectorAll('.player')).toHaveLength(0);
    expect(texts(page, '.voip')).toEqual(['On WeChat VoIP: 2 in the chat']);
  }

  await customer.voip.speak(true);
  await waitForData(agent.page, (d) => d.speaker === 'cust-v', 'the agent sees the customer speaking');

  await fire(agent.page.querySelector('.hang-up'), 'tap');
  expect(await ended(agent.page, 'hangup', 'the agent')).toBe('You hung up');
  expect(await ended(customer.page, 'hangup', 'the customer')).toBe('agent-v hung up');
  for (const { page } of [customer, agent]) await ctx.close(page);
}, 40_000);

test('a call on trtc: room:// URLs on the pusher and the players', async () => {
  const { agent, customer } = await answeredCall('agent-t', 'cust-t', 'trtc');

  const playing = (d: Record<string, unknown>) => (d.seats as Array<{ url: string }>).some((s) => s.url.startsWith('room://'));
  await waitForData(customer.page, (d) => d.backend === 'trtc' && String(d.pushUrl).startsWith('room://') && playing(d), 'the customer on trtc');
  // (miniprogram-simulate keeps no attributes of the built-in components: the cache values are the
  // wxml's `backend === 'trtc'` binding, whose input is checked here.)
  expect(customer.page.querySelectorAll('.player')).toHaveLength(1);
  expect(texts(customer.page, '.voip')).toEqual([]);

  await fire(customer.page.querySelector('.hang-up'), 'tap');
  expect(await ended(customer.page, 'hangup', 'the customer')).toBe('You hung up');
  for (const { page } of [customer, agent]) await ctx.close(page);
}, 40_000);
