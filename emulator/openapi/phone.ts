/**
 * The simulated phone's side of subscription messages and real-time voice chat, for tests and the
 * SDK's tests: what `wx.requestSubscribeMessage` and `wx.joinVoIPChat` do on a phone of the local cloud. A phone is who createCloudClient
 * says it is (`{url, openid}`, the x-wx-openid header), so the same identity calls functions and
 * accepts subscriptions.
 */
import { WebSocket } from 'ws';
import { OPENID_HEADER } from '../wire';
import { postJson } from '../client/nodePlatform';
import { MESSAGES_PATH, SUBSCRIBE_PATH, type SentMessage } from './openapi';
import type { SubscribeAnswer, SubscribeResult } from './subscribeMessage';
import { VOIP_PATH } from './voipChat';
import type { VoipChatApi } from './voipTypes';

export type { SentMessage } from './openapi';
export type { SubscribeAnswer, SubscribeResult } from './subscribeMessage';
export type * from './voipTypes';

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

/** A phone's wx voice chat API, plus what the test does to the phone (not in wx). */
export interface SimulatedVoipChat extends VoipChatApi {
  /** This phone's user starts or stops speaking (a mic-muted phone never counts as speaking). */
  speak(on: boolean): Promise<void>;
  /** What going to background or a phone call does: onVoIPChatInterrupted here, and the phone leaves its group. */
  interrupt(): Promise<void>;
  /** Drops the phone's socket: the local cloud takes it out of its group. */
  close(): void;
}

type Listener = (res: never) => void;
type Outcome = { errCode: number; errMsg: string; openIdList?: string[] };

/**
 * The phone `{url, openid}`'s wx.joinVoIPChat and friends, on the local cloud's VoIP socket (opened
 * now, one per phone). Methods answer as wx's: callbacks when any is given, else a Promise that
 * rejects with `{errCode, errMsg}`.
 */
export function createVoipChat(phone: { url: string; openid: string }): SimulatedVoipChat {
  const ws = new WebSocket(`${phone.url.replace(/^http/, 'ws').replace(/\/+$/, '')}${VOIP_PATH}`, { headers: { [OPENID_HEADER]: phone.openid } });
  const opened = new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  opened.catch(() => undefined);
  const pending = new Map<number, (reply: Outcome) => void>();
  const listeners = { members: new Set<Listener>(), speakers: new Set<Listener>(), interrupted: new Set<Listener>() };
  let next = 1;
  ws.on('message', (raw) => {
    const { id, event, ...res } = JSON.parse(raw.toString()) as Outcome & { id?: number; event?: keyof typeof listeners };
    if (event) for (const l of [...listeners[event]]) (l as (r: Outcome) => void)(res);
    else pending.get(id ?? 0)?.(res);
    pending.delete(id ?? 0);
  });
  ws.on('close', () => {
    for (const done of pending.values()) done({ errCode: -1000, errMsg: 'fail the VoIP socket closed' });
    pending.clear();
  });
  const ask = async (body: object): Promise<Outcome> => {
    await opened;
    return new Promise((resolve) => {
      pending.set(next, resolve);
      ws.send(JSON.stringify({ id: next++, ...body }));
    });
  };
  /** wx's calling convention: callbacks (success or fail, then complete) when any is given, else a Promise. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one body for wx's conditional return types
  const wxCall = (opts: { success?: Listener; fail?: Listener; complete?: Listener } | undefined, body: object): any => {
    const result = ask(body);
    if (!opts?.success && !opts?.fail && !opts?.complete) return result.then((r) => (r.errCode === 0 ? r : Promise.reject(r)));
    const call = (f: Listener | undefined, r: Outcome): void => (f as ((r: Outcome) => void) | undefined)?.(r);
    void result.then((r) => {
      call(r.errCode === 0 ? opts.success : opts.fail, r);
      call(opts.complete, r);
    });
  };
  const on = (set: Set<Listener>) => (l: Listener) => void set.add(l);
  const off = (set: Set<Listener>) => (l?: Listener) => void (l ? set.delete(l) : set.clear());
  const control = async (body: Record<string, unknown>): Promise<void> => {
    const r = await ask(body);
    if (r.errCode !== 0) throw Object.assign(new Error(r.errMsg), r);
  };
  return {
    // JSON leaves the callbacks out; the cloud ignores roomType and forceCellularNetwork.
    joinVoIPChat: (o) => wxCall(o, { op: 'join', ...o }),
    exitVoIPChat: (o) => wxCall(o, { op: 'exit' }),
    updateVoIPChatMuteConfig: (o) => wxCall(o, { op: 'mute', muteConfig: o.muteConfig }),
    onVoIPChatMembersChanged: on(listeners.members),
    offVoIPChatMembersChanged: off(listeners.members),
    onVoIPChatSpeakersChanged: on(listeners.speakers),
    offVoIPChatSpeakersChanged: off(listeners.speakers),
    onVoIPChatInterrupted: on(listeners.interrupted),
    offVoIPChatInterrupted: off(listeners.interrupted),
    speak: (on) => control({ op: 'speak', on }),
    interrupt: () => control({ op: 'interrupt' }),
    close: () => ws.close(),
  };
}
