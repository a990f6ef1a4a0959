/**
 * WeChat's one-time subscription messages, as strict as WeChat (PROTOCOL.md cites the rules):
 * `wx.requestSubscribeMessage` grants one message per acceptance of a template, and
 * `subscribeMessage.send` spends one, after checking the openid (40003), the template (40037) and
 * the data against the template's fields (47003); without an unused grant it answers 43101.
 * Where WeChat's documentation leaves a rule open, the stricter reading is taken and marked so.
 */

/** A template as configured in WeChat's console: its title and its field keys (`thing1`, `time3`, ...). */
export interface SubscribeTemplate {
  /** Templates with the same title asked for in one request: WeChat keeps one, the others answer 'filter'. */
  title: string;
  /** Field keys, each `<type><n>` as WeChat names them; the type decides the value rules (FIELD_RULES). */
  keys: readonly string[];
}

/** Templates by id. */
export type SubscribeTemplates = Readonly<Record<string, SubscribeTemplate>>;

/**
 * The local cloud's default: a call invitation, for ringing a callee whose mini program is closed
 * (caller name, what the call is about, when).
 */
export const DEFAULT_TEMPLATES: SubscribeTemplates = {
  'local-call-invite': { title: '来电提醒', keys: ['thing1', 'thing2', 'time3'] },
};

const HAN = /\p{Script=Han}/u;
const length = (v: string): number => [...v].length;
const DATE = String.raw`(?:\d{4}年(?:0?[1-9]|1[0-2])月(?:0?[1-9]|[12]\d|3[01])日|\d{4}([-/])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01]))`;
const TIME = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
/** A point or a range `a~b` of points (time: a time, optionally after a date; date: a date, optionally with a time). */
const span = (point: string): RegExp => new RegExp(`^${point}(?:\\s*~\\s*${point})?$`, 'u');
const TIME_SPAN = span(`(?:${DATE}\\s*)?${TIME}`);
const DATE_SPAN = span(`${DATE}(?:\\s*${TIME})?`);

/**
 * The value rules by field type (订阅消息参数值内容限制说明). Stricter readings: `time` needs a
 * time (a date alone is `date`); `amount` needs its currency symbol; `name` allows no digits
 * (WeChat refused "用户410774" as a name); `character_string` is printable ASCII without spaces.
 */
export const FIELD_RULES: Readonly<Record<string, (v: string) => boolean>> = {
  thing: (v) => length(v) <= 20,
  number: (v) => /^[+-]?\d+(\.\d+)?$/.test(v) && v.length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[\p{P}\p{S}]{1,5}$/u.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => TIME_SPAN.test(v),
  date: (v) => DATE_SPAN.test(v),
  amount: (v) => /^[¥￥$€£]\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d\p{P}\p{S}]{1,17}$/u.test(v),
  car_number: (v) => /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]{0,7}\p{Script=Han}?$/u.test(v) && length(v) <= 8,
  name: (v) => /^[\p{Script=Han}A-Za-z\p{P}\p{S} ]+$/u.test(v) && length(v) <= (HAN.test(v) ? 10 : 20),
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
};

/** The type of a field key (`character_string2` → `character_string`), or null when WeChat has no such type here. */
export function fieldType(key: string): string | null {
  const m = /^([a-z_]+)\d+$/.exec(key);
  return m && Object.prototype.hasOwnProperty.call(FIELD_RULES, m[1]) ? m[1] : null;
}

/** Refuses a configuration WeChat's console could not hold (unknown field types, no fields). */
export function checkTemplates(templates: SubscribeTemplates): void {
  for (const [id, t] of Object.entries(templates)) {
    if (!id || t.keys.length === 0) throw new Error(`openapi template ${JSON.stringify(id)}: an id and at least one field are needed`);
    for (const key of t.keys) if (!fieldType(key)) throw new Error(`openapi template ${id}: field ${key} is not <type><n> of a known type (${Object.keys(FIELD_RULES).join(', ')})`);
  }
}

/** WeChat's answer to one send: errcode 0 and a msgid, or the refusal. */
export type SendOutcome = { errcode: 0; errmsg: 'ok' } | { errcode: 40003 | 40037 | 43101 | 47003; errmsg: string };

/** The parameters of subscribeMessage.send as they arrive (snake_case, each parsed from its JSON text). */
export type SendParams = Readonly<Record<string, unknown>>;

/** Checks `data` against the template's fields; the 47003 message names the field as WeChat does. */
function checkData(template: SubscribeTemplate, data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'argument invalid! data is empty';
  const entries = data as Record<string, unknown>;
  // Stricter reading: a key the template does not have is refused rather than ignored.
  for (const key of Object.keys(entries)) if (!template.keys.includes(key)) return `argument invalid! data.${key} is not a field of the template`;
  for (const key of template.keys) {
    const raw = (entries[key] as { value?: unknown } | undefined)?.value;
    // The doc types value as any; strings and numbers are what a value can be shown as.
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
    if (value === '') return `argument invalid! data.${key}.value is empty`;
    if (!FIELD_RULES[fieldType(key) ?? '']?.(value)) return `argument invalid! data.${key}.value invalid`;
  }
  return null;
}

/** The refusal, if any, of one send; checked in WeChat's order of its error table, consent last. */
export function refuseSend(templates: SubscribeTemplates, knownOpenid: (openid: string) => boolean, p: SendParams): SendOutcome | null {
  if (typeof p.touser !== 'string' || !knownOpenid(p.touser)) return { errcode: 40003, errmsg: 'invalid openid' };
  const templateId = p.template_id;
  if (typeof templateId !== 'string' || !Object.prototype.hasOwnProperty.call(templates, templateId)) return { errcode: 40037, errmsg: 'invalid template id' };
  if (p.page !== undefined && typeof p.page !== 'string') return { errcode: 47003, errmsg: 'argument invalid! page invalid' };
  if (p.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(p.miniprogram_state as string)) return { errcode: 47003, errmsg: 'argument invalid! miniprogram_state invalid' };
  if (p.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(p.lang as string)) return { errcode: 47003, errmsg: 'argument invalid! lang invalid' };
  const bad = checkData(templates[templateId], p.data);
  return bad === null ? null : { errcode: 47003, errmsg: bad };
}

/** What the simulated user answers for a template in the subscription panel. */
export type SubscribeAnswer = 'accept' | 'reject';

/** wx.requestSubscribeMessage's result per template: the user's answer, or WeChat's own ('ban', 'filter'). */
export type SubscribeResult = SubscribeAnswer | 'ban' | 'filter';

/** A failure of wx.requestSubscribeMessage, with WeChat's errCode and message. */
export class SubscribeRequestError extends Error {
  constructor(readonly errCode: number, message: string) {
    super(`requestSubscribeMessage:fail ${message}`);
  }
}

/**
 * The results of one subscription request, before any grant: 10001 no ids, 10004 an id that is not
 * a string, 20003 more than 3 ids (older docs say 3, newer 5: the stricter), 20001 an unknown id;
 * a second template with an already asked title answers 'filter'.
 */
export function answerRequest(templates: SubscribeTemplates, tmplIds: readonly unknown[], answer: (id: string) => SubscribeAnswer): Map<string, SubscribeResult> {
  if (tmplIds.length === 0) throw new SubscribeRequestError(10001, "TmplIds can't be empty");
  if (tmplIds.some((id) => typeof id !== 'string')) throw new SubscribeRequestError(10004, 'Invalid template id');
  if (tmplIds.length > 3) throw new SubscribeRequestError(20003, 'Templates count out of max bounds');
  const ids = tmplIds as string[];
  if (ids.some((id) => !Object.prototype.hasOwnProperty.call(templates, id))) throw new SubscribeRequestError(20001, 'No template data return, verify the template id exist');
  const titles = new Set<string>();
  const results = new Map<string, SubscribeResult>();
  for (const id of ids) {
    const title = templates[id].title;
    results.set(id, titles.has(title) ? 'filter' : answer(id));
    titles.add(title);
  }
  return results;
}
