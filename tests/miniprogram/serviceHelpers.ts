/** What the service page tests do on a page: open it as a user, wait for it to listen, ring, wait for an end. */
import { fire, texts, waitForData } from './harness';
import type { PageTestContext, SimPage } from './harness';

/** Opens the service page for `user` (its own WeChat identity) as `part`. */
export function desk(ctx: PageTestContext, user: string, part: 'agent' | 'customer', nick: string): SimPage {
  return ctx.open('service', ctx.user(`openid-${user}`), { part, user, nick });
}

/** Waits until the page listens for calls as `user`, and shows it. */
export async function listening(page: SimPage, user: string): Promise<void> {
  await waitForData(page, (d) => d.phase === 'idle' && d.me === user, `${user} listening`);
  expect(texts(page, '.me-id')).toEqual([user]);
}

/** The agent types `callee` and taps Call. */
export async function ring(agent: SimPage, callee: string): Promise<void> {
  await fire(agent.querySelector('.callee'), 'input', { value: callee });
  await fire(agent.querySelector('.ring'), 'tap');
}

/** Waits for the end state with `reason` and returns its words. */
export async function ended(page: SimPage, reason: string, label: string, ms = 15_000): Promise<string> {
  await waitForData(page, (d) => d.phase === 'ended' && d.endReason === reason, `${label}: ${reason}`, ms);
  return texts(page, '.ended-words')[0];
}
