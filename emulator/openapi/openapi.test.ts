/**
 * The openapi service through the REAL wx-server-sdk 4.0.2: `cloud.openapi.subscribeMessage.send`
 * posted to the local cloud's /admin (the URL the functions' SDK is redirected to), consent given by
 * the simulated phone's requestSubscribeMessage, and the errors exactly as the function sees them.
 */
import type { LocalCloud } from '../jrtc/localCloud';
import { startFixtureCloud } from '../__fixtures__/fixtureCloud';
import { createCloudClient } from '../client/client';
import { wxServerSdkEnv } from '../adminApi/sdkEnv';
import { requestSubscribeMessage, sentMessages } from './phone';
import { DEFAULT_TEMPLATES } from './subscribeMessage';

jest.setTimeout(60_000);

/** The part of a wx-server-sdk instance these tests use. */
interface WxCloud {
  openapi: {
    subscribeMessage: { send(params: Record<string, unknown>): Promise<Record<string, unknown>> };
    wxacode: { get(params: Record<string, unknown>): Promise<unknown> };
  };
  database(): { createCollection(name: string): Promise<{ errMsg: string }> };
  getVoIPSign(params: { groupId: string; nonce: string; timestamp: number }): Promise<Record<string, unknown>>;
}

let cloud: LocalCloud;
let wx: WxCloud;
const INVITE = 'local-call-invite';
const invite = (touser: string, data: Record<string, unknown> = { thing1: { value: '王老师' }, thing2: { value: '语文课答疑' }, time3: { value: '2024年5月1日 15:01' } }) => ({
  touser,
  templateId: INVITE,
  page: 'pages/call/call?callId=c1',
  data,
  miniprogramState: 'developer',
});

beforeAll(async () => {
  cloud = await startFixtureCloud({
    openapi: { templates: { ...DEFAULT_TEMPLATES, 'local-other': { title: '来电提醒', keys: ['phrase1', 'name2'] } } },
  });
  // What node-sdk reads from the process (it believes it runs in a function); the URL is per instance.
  const { TCB_CONTEXT_CNFG: _url, ...env } = wxServerSdkEnv({ adminUrl: cloud.adminUrl, envId: cloud.envId });
  for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as { createNewInstance(config: Record<string, unknown>): WxCloud };
  wx = sdk.createNewInstance({ env: cloud.envId, serviceUrl: cloud.adminUrl });
});
afterAll(() => cloud.stop());

/** What the SDK rejects with, as a function would catch it. */
async function failure(p: Promise<unknown>): Promise<{ errCode: unknown; errMsg: unknown; message: string; isError: boolean }> {
  try {
    await p;
  } catch (err) {
    const e = err as { errCode?: unknown; errMsg?: unknown; message: string };
    return { errCode: e.errCode, errMsg: e.errMsg, message: e.message, isError: err instanceof Error };
  }
  throw new Error('expected the call to fail');
}

const phone = (openid: string) => ({ url: cloud.url, openid });

test('with consent the message is sent and recorded; the consent is spent: the next send is 43101', async () => {
  const consent = await requestSubscribeMessage(phone('callee-1'), { tmplIds: [INVITE] });
  expect(consent).toEqual({ errMsg: 'requestSubscribeMessage:ok', [INVITE]: 'accept' });
  const before = cloud.clock.now();
  const res = await wx.openapi.subscribeMessage.send(invite('callee-1'));
  expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
  // WeChat's msgid is beyond 2^53: the SDK parses it with json-bigint, then its snake→camel case
  // conversion copies the BigNumber into a plain object. A function gets these fields, not a number.
  expect(res.msgid).toEqual({ s: 1, e: 18, c: [expect.any(Number), expect.any(Number)] });
  const sent = await sentMessages(cloud.url, 'callee-1');
  expect(sent).toEqual([
    {
      touser: 'callee-1',
      templateId: INVITE,
      page: 'pages/call/call?callId=c1',
      data: { thing1: { value: '王老师' }, thing2: { value: '语文课答疑' }, time3: { value: '2024年5月1日 15:01' } },
      miniprogramState: 'developer',
      lang: 'zh_CN',
      time: expect.any(Number),
    },
  ]);
  expect(sent[0].time).toBeGreaterThanOrEqual(before);

  const again = await failure(wx.openapi.subscribeMessage.send(invite('callee-1')));
  expect(again).toEqual({
    errCode: 43101,
    errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail user refuse to accept the msg rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    message: expect.stringMatching(/^errCode: 43101 {2}\| errMsg: openapi\.subscribeMessage\.send:fail user refuse to accept the msg rid: /),
    isError: true,
  });
  expect(await sentMessages(cloud.url, 'callee-1')).toHaveLength(1);
});

test('from inside a function instance (the SDK redirected as functions are): the same answers', async () => {
  const caller = createCloudClient({ url: cloud.url, openid: 'caller-1' });
  const ring = async () => (await caller.callFunction({ name: 'ring', data: { message: invite('callee-9') } })).result;
  await requestSubscribeMessage(phone('callee-9'), { tmplIds: [INVITE] });
  expect(await ring()).toEqual({ ok: true, errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
  expect(await ring()).toEqual({ ok: false, errCode: 43101, errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail user refuse to accept the msg rid: /) });
  expect(await sentMessages(cloud.url, 'callee-9')).toHaveLength(1);
});

test('each acceptance allows one message: two acceptances, two messages, then 43101', async () => {
  await requestSubscribeMessage(phone('callee-2'), { tmplIds: [INVITE] });
  await requestSubscribeMessage(phone('callee-2'), { tmplIds: [INVITE] });
  await wx.openapi.subscribeMessage.send(invite('callee-2'));
  await wx.openapi.subscribeMessage.send({ ...invite('callee-2'), page: undefined });
  expect((await failure(wx.openapi.subscribeMessage.send(invite('callee-2')))).errCode).toBe(43101);
  const sent = await sentMessages(cloud.url, 'callee-2');
  expect(sent.map((m) => m.page)).toEqual(['pages/call/call?callId=c1', undefined]);
});

test('a user who rejected, or accepted another template, gets 43101', async () => {
  const res = await requestSubscribeMessage(phone('callee-3'), { tmplIds: [INVITE] }, 'reject');
  expect(res).toEqual({ errMsg: 'requestSubscribeMessage:ok', [INVITE]: 'reject' });
  expect(await failure(wx.openapi.subscribeMessage.send(invite('callee-3')))).toMatchObject({ errCode: 43101 });
  await requestSubscribeMessage(phone('callee-4'), { tmplIds: ['local-other'] });
  expect(await failure(wx.openapi.subscribeMessage.send(invite('callee-4')))).toMatchObject({ errCode: 43101 });
});

test('40003 for an openid this local cloud does not know, 40037 for an unknown template; nothing is sent', async () => {
  await requestSubscribeMessage(phone('callee-5'), { tmplIds: [INVITE] });
  expect(await failure(wx.openapi.subscribeMessage.send(invite('nobody')))).toEqual({
    errCode: 40003,
    errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail invalid openid rid: /),
    message: expect.any(String),
    isError: true,
  });
  expect(await failure(wx.openapi.subscribeMessage.send({ ...invite('callee-5'), touser: 42 }))).toMatchObject({ errCode: 40003 });
  expect(await failure(wx.openapi.subscribeMessage.send({ ...invite('callee-5'), templateId: 'no-such-template' }))).toEqual({
    errCode: 40037,
    errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail invalid template id rid: /),
    message: expect.any(String),
    isError: true,
  });
  expect(await sentMessages(cloud.url, 'callee-5')).toEqual([]);
  // The refusals spent nothing: the grant is still there.
  await wx.openapi.subscribeMessage.send(invite('callee-5'));
});

test.each([
  ['thing longer than 20 characters', { thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } }, 'data.thing1.value invalid'],
  ['a missing field', { thing1: undefined }, 'data.thing1.value is empty'],
  ['an empty value', { thing2: { value: '' } }, 'data.thing2.value is empty'],
  ['a value that is an object', { thing2: { value: { a: 1 } } }, 'data.thing2.value is empty'],
  ['a field the template does not have', { thing9: { value: 'x' } }, 'data.thing9 is not a field of the template'],
  ['a time that is not one', { time3: { value: '25:00' } }, 'data.time3.value invalid'],
  ['a date where a time is due', { time3: { value: '2024年5月1日' } }, 'data.time3.value invalid'],
])('47003 for %s', async (_what, change, message) => {
  const base = invite('callee-6').data as Record<string, unknown>;
  const data = Object.fromEntries(Object.entries({ ...base, ...change }).filter(([, v]) => v !== undefined));
  await requestSubscribeMessage(phone('callee-6'), { tmplIds: [INVITE] });
  expect(await failure(wx.openapi.subscribeMessage.send(invite('callee-6', data)))).toMatchObject({
    errCode: 47003,
    errMsg: expect.stringMatching(new RegExp(`^openapi\\.subscribeMessage\\.send:fail argument invalid! ${message.replace(/\./g, '\\.')} rid: `)),
  });
});

test('47003 for a miniprogramState or lang WeChat does not know; a time range and numbers pass', async () => {
  await requestSubscribeMessage(phone('callee-7'), { tmplIds: [INVITE] });
  expect((await failure(wx.openapi.subscribeMessage.send({ ...invite('callee-7'), miniprogramState: 'beta' }))).errMsg).toMatch(/miniprogram_state invalid/);
  expect((await failure(wx.openapi.subscribeMessage.send({ ...invite('callee-7'), lang: 'fr' }))).errMsg).toMatch(/lang invalid/);
  const data = { thing1: { value: 'Ann' }, thing2: { value: 2024 }, time3: { value: '2024-05-01 15:01 ~ 2024-05-01 16:00' } };
  await wx.openapi.subscribeMessage.send(invite('callee-7', data));
  expect((await sentMessages(cloud.url, 'callee-7'))[0].data).toEqual(data);
});

test("requestSubscribeMessage fails as wx's does; a second template with the same title is 'filter'", async () => {
  const p = phone('callee-8');
  await expect(requestSubscribeMessage(p, { tmplIds: [] })).rejects.toMatchObject({ errCode: 10001, errMsg: "requestSubscribeMessage:fail TmplIds can't be empty" });
  await expect(requestSubscribeMessage(p, { tmplIds: ['nope'] })).rejects.toMatchObject({ errCode: 20001, errMsg: 'requestSubscribeMessage:fail No template data return, verify the template id exist' });
  await expect(requestSubscribeMessage(p, { tmplIds: [INVITE, INVITE, INVITE, INVITE] })).rejects.toMatchObject({ errCode: 20003 });
  expect(await requestSubscribeMessage(p, { tmplIds: [INVITE, 'local-other'] }, { [INVITE]: 'reject' })).toEqual({
    errMsg: 'requestSubscribeMessage:ok',
    [INVITE]: 'reject',
    'local-other': 'filter',
  });
  await expect(requestSubscribeMessage({ url: cloud.url, openid: '' }, { tmplIds: [INVITE] })).rejects.toMatchObject({ errCode: -501007 });
});

test('the database still answers on the same URL; an openapi the local cloud does not serve fails loudly', async () => {
  expect(await wx.database().createCollection('openapi_probe')).toMatchObject({ errMsg: 'createCollection:ok' });
  expect(await failure(wx.openapi.wxacode.get({ path: 'pages/index' }))).toMatchObject({
    errCode: -501001,
    errMsg: 'openapi.wxacode.get:fail -501001 resource system error. openapi wxacode.get is not served by the local cloud',
  });
});

test('a local cloud refuses templates WeChat could not hold, and stops what it had started', async () => {
  await expect(startFixtureCloud({ openapi: { templates: { bad: { title: 't', keys: ['colour1'] } } } })).rejects.toThrow(/field colour1 is not <type><n>/);
});

test('cloud.getVoIPSign outside a user\'s invocation is refused (no session_key to sign with); a bad nonce first', async () => {
  // Signing for a user is checked in voipChat.test.ts, from inside a function instance.
  expect(await failure(wx.getVoIPSign({ groupId: 'call-42', nonce: 'n0nce', timestamp: 1557056066 }))).toMatchObject({
    errCode: -501007,
    errMsg: expect.stringMatching(/^getVoIPSign:fail -501007 invalid parameters\. getVoIPSign signs with the calling user's session_key/),
  });
  expect(await failure(wx.getVoIPSign({ groupId: 'call-42', nonce: 'x'.repeat(128), timestamp: 1 }))).toMatchObject({
    errCode: -501007,
    errMsg: 'getVoIPSign:fail -501007 invalid parameters. nonce must be 1 to 127 characters',
  });
});
