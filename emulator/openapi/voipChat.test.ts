/**
 * wx.joinVoIPChat on simulated phones against a started local cloud: signatures made by the REAL
 * wx-server-sdk's cloud.getVoIPSign inside a function instance (the fixture `voipSign`), checked by
 * the openapi service; members, speakers and interruptions arriving on the other phones.
 */
import { createHmac } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { eventually, startFixtureCloud } from '../__fixtures__/fixtureCloud';
import { createCloudClient } from '../client/client';
import type { LocalCloud } from '../jrtc/localCloud';
import { createVoipChat, type OnVoIPChatMembersChangedListenerResult, type SimulatedVoipChat } from './phone';
import { userVoipSignature, voipSignature } from './voip';
import { INVALID_SIGNATURE } from './voipChat';

jest.setTimeout(60_000);

const SIGNER = { appId: 'wx-test-app', sessionKey: 'MDEyMzQ1Njc4OWFiY2RlZg==' };
let cloud: LocalCloud;
const chats: SimulatedVoipChat[] = [];

beforeAll(async () => {
  cloud = await startFixtureCloud({ openapi: { voip: SIGNER } });
});
afterAll(async () => {
  for (const c of chats) c.close();
  await cloud.stop();
});

/** A phone of `openid` with its events recorded. */
function phone(openid: string) {
  const chat = createVoipChat({ url: cloud.url, openid });
  chats.push(chat);
  const seen = { members: [] as string[][], speakers: [] as string[][], interrupted: [] as unknown[] };
  chat.onVoIPChatMembersChanged((r) => seen.members.push(r.openIdList));
  chat.onVoIPChatSpeakersChanged((r) => seen.speakers.push(r.openIdList));
  chat.onVoIPChatInterrupted((r) => seen.interrupted.push(r));
  return { chat, seen };
}

/** What the function `voipSign` answers when `openid` calls it: the real SDK's getVoIPSign for that user. */
async function sign(openid: string, groupId: string, timestamp = Math.floor(cloud.clock.now() / 1000), nonce = `n-${openid}`) {
  const res = (await createCloudClient({ url: cloud.url, openid }).callFunction({ name: 'voipSign', data: { groupId, nonce, timestamp } })).result as Record<string, unknown>;
  return { res, join: { groupId, nonceStr: nonce, timeStamp: timestamp, signature: res.signature as string } };
}

/** What a join is refused with. */
const refusal = (p: Promise<unknown>) => p.then(() => ({ errCode: 0, errMsg: 'resolved' }), (e: { errCode: number; errMsg: string }) => ({ errCode: e.errCode, errMsg: e.errMsg }));

test("the signature is WeChat's documented algorithm: its worked example (多人音视频对话, 签名算法)", () => {
  const p = { groupId: '1559129713_672975982', nonce: '8AP6DT9ybtniUJfb', timestamp: 1559129714 };
  expect(voipSignature('wx20afc706a711eefc', 'gDyVgzwa0mFz9uUP7M6GQQ==', p)).toBe('b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617');
});

test('getVoIPSign in a function signs with the calling user\'s session_key, derived from the configured key', async () => {
  const { res, join } = await sign('alice', 'g-key');
  const key = createHmac('sha256', SIGNER.sessionKey).update('alice').digest().subarray(0, 16).toString('base64');
  const text = [SIGNER.appId, 'g-key', join.nonceStr, String(join.timeStamp)].sort().join('');
  expect(res).toEqual({ signature: createHmac('sha256', key).update(text).digest('hex'), errMsg: 'getVoIPSign:ok', errCode: 0 });
  expect((await sign('bob', 'g-key', join.timeStamp, join.nonceStr)).res.signature).not.toBe(res.signature);
});

test('join, a second member, speakers, an interruption, exit: every phone hears what the others do', async () => {
  const a = phone('ann');
  const b = phone('ben');
  expect(await a.chat.joinVoIPChat((await sign('ann', 'g-flow')).join)).toEqual({ openIdList: ['ann'], errCode: 0, errMsg: 'joinVoIPChat:ok' });
  // Callback style, as wx: success then complete, and no Promise.
  const joined = await new Promise<unknown[]>((resolve) => {
    const got: unknown[] = [];
    sign('ben', 'g-flow').then(({ join }) =>
      expect(b.chat.joinVoIPChat({ ...join, success: (r) => got.push(r), complete: (r) => resolve([...got, r]) })).toBeUndefined(),
    );
  });
  expect(joined).toEqual([{ openIdList: ['ann', 'ben'], errCode: 0, errMsg: 'joinVoIPChat:ok' }, { openIdList: ['ann', 'ben'], errCode: 0, errMsg: 'joinVoIPChat:ok' }]);
  await eventually(() => a.seen.members.length === 2 && b.seen.members.length === 1, 5000, 'members changed');
  expect(a.seen.members).toEqual([['ann'], ['ann', 'ben']]);
  expect(b.seen.members).toEqual([['ann', 'ben']]);

  await b.chat.speak(true);
  await eventually(() => a.seen.speakers.length === 1, 5000, 'speakers changed');
  expect(a.seen.speakers).toEqual([['ben']]);
  // A mic-muted phone never counts as speaking; muting a speaker silences it.
  await a.chat.updateVoIPChatMuteConfig({ muteConfig: { muteMicrophone: true } });
  await a.chat.speak(true);
  await b.chat.updateVoIPChatMuteConfig({ muteConfig: { muteMicrophone: true } });
  await eventually(() => a.seen.speakers.length === 2, 5000, 'speakers changed');
  expect(a.seen.speakers).toEqual([['ben'], []]);

  await b.chat.interrupt();
  expect(b.seen.interrupted).toEqual([{ errCode: -3, errMsg: expect.stringMatching(/^onVoIPChatInterrupted/) }]);
  await eventually(() => a.seen.members.length === 3, 5000, 'members changed');
  expect(a.seen.members[2]).toEqual(['ann']);
  expect(await refusal(b.chat.exitVoIPChat())).toEqual({ errCode: -1000, errMsg: 'exitVoIPChat:fail not in a VoIP chat' });

  expect(await a.chat.exitVoIPChat()).toEqual({ errCode: 0, errMsg: 'exitVoIPChat:ok' });
  // Out of the group, a phone may join again (a fresh signature for the same group works).
  expect((await a.chat.joinVoIPChat((await sign('ann', 'g-flow')).join)).openIdList).toEqual(['ann']);
  await a.chat.exitVoIPChat();
});

test('a dropped socket leaves the group: the others get members changed', async () => {
  const a = phone('cat');
  const b = phone('dan');
  await a.chat.joinVoIPChat((await sign('cat', 'g-drop')).join);
  await b.chat.joinVoIPChat((await sign('dan', 'g-drop')).join);
  b.chat.close();
  await eventually(() => a.seen.members.some((m) => m.length === 1), 5000, 'members changed');
  expect(a.seen.members.at(-1)).toEqual(['cat']);
});

describe('refused joins (-1000 invalid signature unless said otherwise)', () => {
  const refused = { errCode: -1000, errMsg: INVALID_SIGNATURE };

  test('a signature with one character changed', async () => {
    const { join } = await sign('eve', 'g-bad');
    const signature = (join.signature[0] === '0' ? '1' : '0') + join.signature.slice(1);
    expect(await refusal(phone('eve').chat.joinVoIPChat({ ...join, signature }))).toEqual(refused);
  });

  test('a signature made with another key', async () => {
    const { join } = await sign('eve2', 'g-bad');
    const signature = userVoipSignature({ ...SIGNER, sessionKey: 'b3RoZXIta2V5LTEyMzQ1Ng==' }, 'eve2', { groupId: 'g-bad', nonce: join.nonceStr, timestamp: join.timeStamp });
    expect(await refusal(phone('eve2').chat.joinVoIPChat({ ...join, signature }))).toEqual(refused);
  });

  test('another groupId than the one signed', async () => {
    const { join } = await sign('fay', 'g-signed');
    expect(await refusal(phone('fay').chat.joinVoIPChat({ ...join, groupId: 'g-other' }))).toEqual(refused);
  });

  test('a signature made for another user', async () => {
    const { join } = await sign('gus', 'g-user');
    expect(await refusal(phone('hal').chat.joinVoIPChat(join))).toEqual(refused);
  });

  test('a timeStamp more than 10 minutes from the cloud\'s clock (stricter reading)', async () => {
    const { join } = await sign('ivy', 'g-stale');
    cloud.clock.advance(10 * 60_000 + 2000);
    expect(await refusal(phone('ivy').chat.joinVoIPChat(join))).toEqual(refused);
    const fresh = await sign('ivy', 'g-stale');
    expect(await refusal(phone('ivy').chat.joinVoIPChat(fresh.join))).toEqual({ errCode: 0, errMsg: 'resolved' });
  });

  test('joining twice: -1 当前已在房间内, also from another phone of the same user', async () => {
    const p = phone('jay');
    const { join } = await sign('jay', 'g-twice');
    await p.chat.joinVoIPChat(join);
    expect(await refusal(p.chat.joinVoIPChat(join))).toEqual({ errCode: -1, errMsg: 'joinVoIPChat:fail 当前已在房间内' });
    expect(await refusal(phone('jay').chat.joinVoIPChat((await sign('jay', 'g-else')).join))).toMatchObject({ errCode: -1 });
  });

  test('an 11th member (at most 10); the fail and complete callbacks get the error', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `m${i}`);
    const joins = await Promise.all(ids.map((id) => sign(id, 'g-full')));
    const phones = ids.map(phone);
    for (let i = 0; i < 10; i++) await phones[i].chat.joinVoIPChat(joins[i].join);
    const calls = await new Promise<string[]>((resolve) => {
      const got: string[] = [];
      phones[10].chat.joinVoIPChat({ ...joins[10].join, success: () => got.push('success'), fail: (e) => got.push(`fail ${e.errCode} ${e.errMsg}`), complete: () => resolve(got) });
    });
    expect(calls).toEqual(['fail -1000 joinVoIPChat:fail the group is full (at most 10 members)']);
    const last: OnVoIPChatMembersChangedListenerResult[] = [];
    phones[0].chat.onVoIPChatMembersChanged((r) => last.push(r));
    await phones[9].chat.exitVoIPChat();
    await eventually(() => last.length === 1, 5000, 'members changed');
    expect(last[0]).toEqual({ errCode: 0, errMsg: 'onVoIPChatMembersChanged:ok', openIdList: ids.slice(0, 9) });
    expect((await phones[10].chat.joinVoIPChat(joins[10].join)).openIdList).toHaveLength(10);
  });
});

/** Type errors of `body` compiled against miniprogram-api-typings, with `Api` = voipTypes.ts's VoipChatApi. */
function typeErrors(body: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-voip-types-'));
  try {
    const file = path.join(dir, 'check.ts');
    const typings = path.join(__dirname, '..', '..', 'node_modules', 'miniprogram-api-typings', 'index.d.ts');
    fs.writeFileSync(file, `/// <reference path="${typings}" />\nimport type { VoipChatApi as Api } from '${path.join(__dirname, 'voipTypes')}';\n${body}\nexport {};\n`);
    const program = ts.createProgram([file], { strict: true, noEmit: true, types: [], lib: ['lib.es2020.d.ts'], skipLibCheck: true });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the phone\'s API and wx fit each other: an SDK typed against one takes the other', () => {
  const members = "'joinVoIPChat' | 'exitVoIPChat' | 'updateVoIPChatMuteConfig' | 'onVoIPChatMembersChanged' | 'offVoIPChatMembersChanged' | 'onVoIPChatSpeakersChanged' | 'offVoIPChatSpeakersChanged' | 'onVoIPChatInterrupted' | 'offVoIPChatInterrupted'";
  const check = `declare const chat: Api; declare const wxApi: WechatMiniprogram.Wx;
const asWx: Pick<WechatMiniprogram.Wx, ${members}> = chat; const asApi: Api = wxApi; void asWx; void asApi;
const p: Promise<WechatMiniprogram.JoinVoIPChatSuccessCallbackResult> = chat.joinVoIPChat({ groupId: 'g', nonceStr: 'n', timeStamp: 1, signature: 's' }); void p;
const v: void = chat.exitVoIPChat({ success: () => undefined }); void v;`;
  expect(typeErrors(check)).toEqual([]);
  // It can fail: a member with another shape does not fit.
  expect(typeErrors(`declare const bad: Omit<Api, 'onVoIPChatMembersChanged'> & { onVoIPChatMembersChanged(l: (r: { openIdList: number[] }) => void): void };
const asWx: Pick<WechatMiniprogram.Wx, 'onVoIPChatMembersChanged'> = bad; void asWx;`).length).toBeGreaterThan(0);
});
