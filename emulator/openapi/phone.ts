/**
 * The simulated phone's side of subscription messages, for tests and the SDK's tests: what
 * `wx.requestSubscribeMessage` does on a phone of the local cloud. A phone is who createCloudClient
 * says it is (`{url, openid}`, the x-wx-openid header), so the same identity calls functions and
 * accepts subscriptions.
 */
import { OPENID_HEADER } from '../wire';
import { postJson } from '../client/nodePlatform';
import { MESSAGES_PATH, SUBSCRIBE_PATH, type SentMessage } from './openapi';
import type { SubscribeAnswer, SubscribeResult } from './subscribeMessage';

export type { SentMessage } from './openapi';
export type { SubscribeAnswer, SubscribeResult } from './subscribeMessage';

/** What wx.requestSubscribeMessage resolves with: `errMsg` and one result per template id. */
export type RequestSubscribeMessageResult = { errMsg: 'requestSubscribeMessage:ok' } & Record<string, SubscribeResult | 'requestSubscribeMessage:ok'>;

/**
 * wx.requestSubscribeMessage({tmplIds}) on the phone `{url, openid}`, the user answering `answer`
 * (one answer for every template, or one per id; default 'accept'). Each acceptance lets one
 * message of that template through. Rejects as wx does, with a CloudCallError carrying WeChat's
 * errCode (10001 no ids, 10004 not a string, 20001 unknown template, 20003 more than 3).
 */
export function requestSubscribeMessage(
  phone: { url: string; openid: string },
  options: { tmplIds: readonly string[] },
  answer: SubscribeAnswer | Readonly<Record<string, SubscribeAnswer>> = 'accept',
): Promise<RequestSubscribeMessageResult> {
  const answers = typeof answer === 'string' ? Object.fromEntries(options.tmplIds.map((id) => [id, answer])) : answer;
  return postJson<RequestSubscribeMessageResult>(
    `${phone.url.replace(/\/+$/, '')}${SUBSCRIBE_PATH}`,
    { tmplIds: options.tmplIds, answers },
    { [OPENID_HEADER]: phone.openid },
    'requestSubscribeMessage',
  );
}

/** The subscription messages the local cloud at `url` has sent, oldest first (only `touser`'s when given). */
export async function sentMessages(url: string, touser?: string): Promise<SentMessage[]> {
  const query = touser === undefined ? '' : `?touser=${encodeURIComponent(touser)}`;
  const res = await fetch(`${url.replace(/\/+$/, '')}${MESSAGES_PATH}${query}`);
  if (!res.ok) throw new Error(`GET ${MESSAGES_PATH}: HTTP ${res.status}`);
  return ((await res.json()) as { messages: SentMessage[] }).messages;
}
