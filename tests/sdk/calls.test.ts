/**
 * Calls through the built SDK and calls bundles (miniprogram/lib/jrtc-*.min.js) against a local
 * cloud: each phone is its own WeChat user with its own watch, as on two real phones.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import type { Timers } from '../../miniprogram/lib/jrtc-miniapp.min';
import { Calls } from '../../miniprogram/lib/jrtc-calls.min';
import type { CallEventCallbacks, CallView, EndReason } from '../../miniprogram/lib/jrtc-calls.min';
import { createCloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { APP_ID, PULL_DOMAIN, PUSH_DOMAIN, joinParams } from './localCloud';
import { ManualTimers } from '../helpers/manualTimers';
import { FakePlatform } from './fakePlatform';
import { requestSubscribeMessage, sentMessages } from '../../emulator/openapi/phone';

let cloud: LocalCloud;
let dataDir: string;
const phones: JRTCMiniappClient[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-calls-'));
  cloud = await startLocalCloud({ port: 0, dataDir, timers: false, log: () => undefined });
});
afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.destroy().catch(() => undefined)));
});
afterAll(async () => {
  await cloud.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Records a Calls' events and waits for one. */
class CallLog {
  readonly events: Array<[keyof CallEventCallbacks, CallView, EndReason?]> = [];
  private waiters: Array<() => void> = [];
  constructor(calls: Calls) {
    for (const name of ['callInvited', 'callAccepted', 'callUpdated', 'callEnded'] as const) {
      calls.on(name, ((call: CallView, reason?: EndReason) => {
        this.events.push([name, call, reason]);
        this.waiters.forEach((w) => w());
      }) as never);
    }
  }
  names(): string[] {
    return this.events.map(([n, , r]) => (r ? `${n}:${r}` : n));
  }
  waitFor(name: keyof CallEventCallbacks, ms = 15_000, callId?: string): Promise<[CallView, EndReason?]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.find(([n, c]) => n === name && (callId === undefined || c.callId === callId));
        if (hit) resolve([hit[1], hit[2]]);
        return !!hit;
      };
      if (check()) return;
      const timer = setTimeout(() => reject(new Error(`no ${name}; saw ${this.names().join(', ')}`)), ms);
      this.waiters.push(() => {
        if (check()) clearTimeout(timer);
      });
    });
  }
}

/** Cloud calls in flight, of every phone: a test moving time waits for them, as the cloud's clock does not stop for a cold start. */
let inFlight = 0;
function counted(client: ReturnType<typeof createCloudClient>): ReturnType<typeof createCloudClient> {
  const call = client.callFunction.bind(client);
  client.callFunction = async (params) => {
    inFlight += 1;
    try {
      return await call(params);
    } finally {
      inFlight -= 1;
    }
  };
  return client;
}

/** Resolves once no cloud call is in flight (and the replies' work has run). */
async function quiet(): Promise<void> {
  do await new Promise((r) => setTimeout(r, 20));
  while (inFlight > 0);
}

/** A phone of `userId` (its own WeChat user), listening for calls. */
async function phone(userId: string, timers?: Timers, platform: FakePlatform | null = null): Promise<{ client: JRTCMiniappClient; calls: Calls; log: CallLog }> {
  const client = JRTCMiniappClient.init({
    appId: APP_ID,
    pushDomain: PUSH_DOMAIN,
    pullDomain: PULL_DOMAIN,
    cloud: counted(createCloudClient({ url: cloud.url, openid: `openid-${userId}` })),
    platform,
    timers,
  });
  phones.push(client);
  const { token, nonce, timestamp, userRoomId } = joinParams('inbox', userId, 1);
  const calls = await Calls.listen(client, {
    userId,
    nickName: userId,
    token: { token, nonce, timestamp, userRoomId },
    // The simulated phone's wx.requestSubscribeMessage: the user taps "allow".
    requestSubscribeMessage: (o) => requestSubscribeMessage({ url: cloud.url, openid: `openid-${userId}` }, o),
  });
  return { client, calls, log: new CallLog(calls) };
}

test('ring → accept → hang up: both phones hear every step once, in order, and the room holds both', async () => {
  const agent = await phone('agent');
  const customer = await phone('customer');
  const rung = await agent.calls.call({ ...joinParams('svc-1', 'agent', 1), callees: ['customer'], data: { subject: 'order 42' } });
  expect(rung.parties.map((p) => [p.userId, p.state])).toEqual([['agent', 'joined'], ['customer', 'ringing']]);

  const [invite] = await customer.log.waitFor('callInvited');
  expect(invite).toMatchObject({ callId: rung.callId, callerUserId: 'agent', data: { subject: 'order 42' }, state: 'ringing' });
  const room = await customer.calls.accept(invite.callId);
  expect(room.userRoomId).toBe('svc-1');
  await agent.log.waitFor('callAccepted');
  await customer.log.waitFor('callAccepted');
  const agentRoom = agent.client.room;
  if (!agentRoom) throw new Error('the agent is in no room');
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (agentRoom.members.some((m) => m.userId === 'customer')) resolve();
    };
    agentRoom.on('memberJoined', check);
    check();
  });

  await customer.calls.hangUp(invite.callId);
  const [, agentReason] = await agent.log.waitFor('callEnded');
  const [, customerReason] = await customer.log.waitFor('callEnded');
  expect([agentReason, customerReason]).toEqual(['hangup', 'hangup']);
  expect(agent.log.names()).toEqual(['callAccepted', 'callEnded:hangup']);
  expect(customer.log.names().filter((n) => n !== 'callUpdated')).toEqual(['callInvited', 'callAccepted', 'callEnded:hangup']);
  // Records: each party reads its own, with the times and the reason.
  const [record] = await customer.calls.records();
  expect(record).toMatchObject({ callId: invite.callId, state: 'ended', reason: 'hangup', open: false });
  expect(record.endedAt).toBeGreaterThanOrEqual(record.answeredAt ?? Infinity);
});

test('reject and cancel: the other side hears rejected / canceled', async () => {
  const agent = await phone('agent2');
  const customer = await phone('customer2');
  await agent.calls.call({ ...joinParams('svc-2', 'agent2', 1), callees: ['customer2'] });
  const [invite] = await customer.log.waitFor('callInvited');
  await customer.calls.reject(invite.callId);
  expect((await agent.log.waitFor('callEnded'))[1]).toBe('rejected');

  // Again from the same room: a new call.
  const second = await agent.calls.call({ callees: ['customer2'] });
  expect(second.callId).not.toBe(invite.callId);
  await customer.log.waitFor('callInvited', 15_000, second.callId);
  await agent.calls.cancel(second.callId);
  expect((await customer.log.waitFor('callEnded', 15_000, second.callId))[1]).toBe('canceled');
  expect((await agent.log.waitFor('callEnded', 15_000, second.callId))[1]).toBe('canceled');
});

test('busy and no answer', async () => {
  const a = await phone('a3');
  const b = await phone('b3');
  const c = await phone('c3');
  await a.calls.call({ ...joinParams('svc-3', 'a3', 1), callees: ['b3'], ringSeconds: 5 });
  await b.log.waitFor('callInvited');
  const busy = await c.calls.call({ ...joinParams('svc-4', 'c3', 1), callees: ['b3'] });
  expect(busy).toMatchObject({ state: 'ended', reason: 'busy' });
  expect((await c.log.waitFor('callEnded'))[1]).toBe('busy');
  // Nobody answers a3's call: both phones hear noAnswer once the 5 s ring ran out.
  expect((await a.log.waitFor('callEnded', 10_000))[1]).toBe('noAnswer');
  expect((await b.log.waitFor('callEnded', 10_000))[1]).toBe('noAnswer');
});

test('a phone killed mid-call ends the call for the other side with networkLost, within the ghost window', async () => {
  // Both phones on manual timers at the cloud's time, moved with it STEP_MS at a time; after a
  // talk long enough for the heartbeat phases to settle, the customer's stop (killed).
  const STEP_MS = 2_500;
  const agentTimers = new ManualTimers(cloud.clock.now());
  const customerTimers = new ManualTimers(cloud.clock.now());
  const step = async (timers: ManualTimers[]): Promise<void> => {
    cloud.clock.advance(STEP_MS);
    for (const t of timers) await t.advance(STEP_MS);
    await quiet();
  };
  const agent = await phone('agent5', agentTimers);
  const customer = await phone('customer5', customerTimers);
  await agent.calls.call({ ...joinParams('svc-5', 'agent5', 1), callees: ['customer5'] });
  const [invite] = await customer.log.waitFor('callInvited');
  await customer.calls.accept(invite.callId);
  await agent.log.waitFor('callAccepted');
  for (let talked = 0; talked < 150_000; talked += STEP_MS) await step([agentTimers, customerTimers]);
  expect(agent.log.names()).toEqual(['callAccepted']);

  const killedAt = cloud.clock.now();
  let reason: EndReason | undefined;
  agent.log.waitFor('callEnded', 60_000).then(([, r]) => (reason = r), () => undefined);
  while (reason === undefined && cloud.clock.now() - killedAt < 90_000) await step([agentTimers]);
  expect(reason).toBe('networkLost');
  // A ghost leaves a room that has live members within 45 s (tests/hardening/ghosts.test.ts), seen here to a step.
  expect(cloud.clock.now() - killedAt).toBeLessThanOrEqual(45_000 + STEP_MS);
});

test('background: a party whose app keeps running in the background (audio mode) stays in the call; suspended, it ends networkLost for the other side, and hears it once when back', async () => {
  const STEP_MS = 2_500;
  const agentTimers = new ManualTimers(cloud.clock.now());
  const customerTimers = new ManualTimers(cloud.clock.now());
  const platform = new FakePlatform();
  const step = async (timers: ManualTimers[]): Promise<void> => {
    cloud.clock.advance(STEP_MS);
    for (const t of timers) await t.advance(STEP_MS);
    await quiet();
  };
  const agent = await phone('agent8', agentTimers);
  const customer = await phone('customer8', customerTimers, platform);
  await agent.calls.call({ ...joinParams('svc-8', 'agent8', 1), callees: ['customer8'] });
  const [invite] = await customer.log.waitFor('callInvited');
  await customer.calls.accept(invite.callId);
  await agent.log.waitFor('callAccepted');

  // To the background with requiredBackgroundModes ["audio"] (miniprogram/app.json): the JS keeps
  // running, so do its heartbeats: two minutes later both are still in the call and in the room.
  platform.fireHide();
  for (let t = 0; t < 120_000; t += STEP_MS) await step([agentTimers, customerTimers]);
  expect(agent.log.names()).toEqual(['callAccepted']);
  expect(agent.client.room?.members.map((m) => m.userId).sort()).toEqual(['agent8', 'customer8']);

  // WeChat suspends it (audio stopped, or memory): no more beats; the agent hears networkLost.
  const suspendedAt = cloud.clock.now();
  while (!agent.log.names().includes('callEnded:networkLost') && cloud.clock.now() - suspendedAt < 90_000) await step([agentTimers]);
  expect(agent.log.names()).toEqual(['callAccepted', 'callEnded:networkLost']);
  expect(cloud.clock.now() - suspendedAt).toBeLessThanOrEqual(45_000 + STEP_MS);

  // Back in the foreground: its room rejoins, and the call it was in is over, told once.
  platform.fireShow();
  await customerTimers.advance(0);
  await quiet();
  const [, reason] = await customer.log.waitFor('callEnded');
  expect(reason).toBe('networkLost');
  expect(customer.log.names().filter((n) => n.startsWith('callEnded'))).toEqual(['callEnded:networkLost']);
});

test('answered elsewhere: the same user on two devices rings on both; one answers, the other is told answeredElsewhere, once', async () => {
  const agent = await phone('agent9');
  const phoneA = await phone('dual9');
  const phoneB = await phone('dual9');
  await agent.calls.call({ ...joinParams('svc-9', 'agent9', 1), callees: ['dual9'] });
  const [invite] = await phoneA.log.waitFor('callInvited');
  await phoneB.log.waitFor('callInvited');
  await phoneA.calls.accept(invite.callId);
  expect((await phoneB.log.waitFor('callEnded'))[1]).toBe('answeredElsewhere');
  await agent.log.waitFor('callAccepted');
  await agent.calls.hangUp(invite.callId);
  expect((await phoneA.log.waitFor('callEnded'))[1]).toBe('hangup');
  // Device B heard the end once, as answeredElsewhere, not again as the hang-up.
  await quiet();
  expect(phoneB.log.names().filter((n) => n.startsWith('callEnded'))).toEqual(['callEnded:answeredElsewhere']);
});

test('a callee whose app is closed is rung by subscription message, opens the app from it and answers', async () => {
  const customer = await phone('customer7');
  expect(customer.calls.ringTemplateIds).toEqual(['local-call-invite']);
  // After a call the page asks (from a tap) to be rung when closed; then the app closes.
  expect(await customer.calls.askToRingWhenClosed()).toBe(true);
  await customer.calls.stop();
  await customer.client.destroy();

  const agent = await phone('agent7');
  const rung = await agent.calls.call({ ...joinParams('svc-7', 'agent7', 1), callees: ['customer7'], data: { subject: '订单 42 售后' } });
  expect(rung.parties[1]).toMatchObject({ userId: 'customer7', state: 'ringing' });
  const [message] = await sentMessages(cloud.url, 'openid-customer7');
  expect(message).toMatchObject({
    templateId: 'local-call-invite',
    page: `pages/service/service?callId=${rung.callId}&appId=${APP_ID}`,
    data: { thing1: { value: 'agent7' }, thing2: { value: '订单 42 售后' } },
  });

  // The message opens the app: its watch finds the call still ringing.
  const reopened = await phone('customer7');
  const [invite] = await reopened.log.waitFor('callInvited');
  expect(invite.callId).toBe(rung.callId);
  await reopened.calls.accept(invite.callId);
  await agent.log.waitFor('callAccepted');

  // The one "allow" is spent: the next ring by message is refused by WeChat (43101), and the callee is offline.
  await reopened.calls.hangUp(invite.callId);
  await reopened.calls.stop();
  const again = await agent.calls.call({ callees: ['customer7'] });
  expect(again).toMatchObject({ state: 'ended', reason: 'offline' });
  expect(await sentMessages(cloud.url, 'openid-customer7')).toHaveLength(1);
});

test('nobody reads another\'s calls: a watch or read beyond one\'s own views is refused', async () => {
  const agent = await phone('agent6');
  await phone('customer6');
  await agent.calls.call({ ...joinParams('svc-6', 'agent6', 1), callees: ['customer6'] });
  const snoop = createCloudClient({ url: cloud.url, openid: 'openid-snoop' }).database();
  await expect(snoop.collection('jrtc_call_parties').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
  await expect(snoop.collection('jrtc_call_parties').where({ _openid: 'openid-customer6' }).get()).rejects.toMatchObject({ errCode: -502003 });
  expect((await snoop.collection('jrtc_call_parties').where({ _openid: '{openid}' }).get()).data).toEqual([]);
  await expect(snoop.collection('jrtc_calls').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
});
