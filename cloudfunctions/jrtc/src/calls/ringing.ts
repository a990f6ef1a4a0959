/**
 * Ringing a callee whose app is closed: a WeChat subscription message (JRTC_CALL_TEMPLATE) sent
 * through the Messenger port (the cloud entry wires wx-server-sdk's openapi.subscribeMessage.send).
 * WeChat delivers one only if the user accepted that template in wx.requestSubscribeMessage (each
 * acceptance allows one message); a refusal comes back as an error, and the callee is then offline.
 */
import type { CallTemplate } from '../../../../shared/functionConfig';
import type { SubscribeMessage } from '../../../../shared/ports';

/**
 * The longest value WeChat accepts per field type (subscribeMessage.send, 订阅消息参数值内容限制):
 * a longer one is refused (47003), so values are cut to fit rather than lose the ring.
 */
const FIELD_LIMITS: Readonly<Record<string, number>> = {
  thing: 20,
  name: 10,
  phrase: 5,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
};

/** "YYYY-MM-DD HH:mm" in China Standard Time (UTC+8, no daylight saving), as a `time` field shows it. */
export function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** What a ring message may say about its call. */
export interface RingFacts {
  callId: string;
  appId: string;
  callerUserId: string;
  callerName: string;
  /** The call data's `subject`, when it is a string. */
  subject: string;
  now: number;
}

/** The subscription message that rings `openid` for a call, from the deployment's template. */
export function ringMessage(template: CallTemplate, openid: string, facts: RingFacts): SubscribeMessage {
  const words: Record<string, string> = {
    callerName: facts.callerName || facts.callerUserId,
    callerUserId: facts.callerUserId,
    // WeChat refuses an empty field (47003): a call without a subject says what it is.
    subject: facts.subject || '语音通话',
    time: chinaTime(facts.now),
  };
  const data: Record<string, { value: string }> = {};
  for (const [key, pattern] of Object.entries(template.data)) {
    const value = pattern.replace(/\{(\w+)\}/g, (all, word: string) => words[word] ?? all);
    const limit = FIELD_LIMITS[key.replace(/\d+$/, '')];
    data[key] = { value: limit === undefined ? value : Array.from(value).slice(0, limit).join('') };
  }
  const query = `callId=${encodeURIComponent(facts.callId)}&appId=${encodeURIComponent(facts.appId)}`;
  return { touser: openid, templateId: template.id, page: `${template.page}?${query}`, data };
}
