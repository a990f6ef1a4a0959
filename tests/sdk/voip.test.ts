/**
 * The SDK's VoIP path through the built bundles on simulated phones: a call on the `voip` backend
 * rings and is answered as any other; each party joins the room's WeChat VoIP chat with the
 * signature the function got from the real wx-server-sdk's cloud.getVoIPSign (served by the local
 * cloud, checked by the phone's joinVoIPChat: emulator/openapi/voipChat.ts); members, speakers,
 * interruption and leaving reach the pages. No audio flows locally on this backend (WeChat carries it).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import type { Room } from '../../miniprogram/lib/jrtc-miniapp.min';
import { Calls, VoipChat } from '../../miniprogram/lib/jrtc-calls.min';
import { createCloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { createVoipChat } from '../../emulator/openapi/phone';
import type { SimulatedVoipChat } from '../../emulator/openapi/phone';
import { APP_ID, PULL_DOMAIN, PUSH_DOMAIN, joinParams } from './localCloud';
import { FakePlatform } from './fakePlatform';

let cloud: LocalCloud;
let dataDir: string;
const clients: JRTCMiniappClient[] = [];
const chats: SimulatedVoipChat[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-voip-'));
  cloud = await startLocalCloud({ port: 0, dataDir, timers: false, log: () => undefined });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
  chats.forEach((c) => c.close());
  await cloud.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** One phone: the SDK on its own WeChat user, its VoIP chat API, and its app lifecycle. */
function phone(userId: string) {
  const openid = `openid-${userId}`;
  const client = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN, cloud: createCloudClient({ url: cloud.url, openid }), platform: null });
  clients.push(client);
  const voip = createVoipChat({ url: cloud.url, openid });
  chats.push(voip);
  const app = new FakePlatform();
  // The page's wx: the VoIP chat APIs and the app's show event.
  const wx = Object.assign(voip, { onAppShow: app.onAppShow.bind(app), offAppShow: app.offAppShow.bind(app) });
  return { client, voip, app, wx };
}

/** Resolves with the first value `emitter` emits on `event` that `match` accepts. */
function next<T extends unknown[]>(emitter: { on(event: string, l: (...args: never[]) => void): () => void }, event: string, match: (...args: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), 10_000);
    const off = emitter.on(event, ((...args: T) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    }) as never);
  });
}

const sameMembers = (want: string[]) => (ids: string[]) => [...ids].sort().join() === [...want].sort().join();

test('a call on voip: ring, answer, both in the chat, speakers, interruption and rejoin, hang-up leaves the chat', async () => {
  const agent = phone('agent');
  const customer = phone('customer');
  const inbox = (userId: string) => {
    const { token, nonce, timestamp, userRoomId } = joinParams('inbox', userId, 1);
    return { userId, nickName: userId, token: { token, nonce, timestamp, userRoomId } };
  };
  const [agentCalls, customerCalls] = await Promise.all([Calls.listen(agent.client, inbox('agent')), Calls.listen(customer.client, inbox('customer'))]);
  const invited = next<[{ callId: string }]>(customerCalls as never, 'callInvited');
  const rung = await agentCalls.call({ ...joinParams('voip-call', 'agent', 1), backend: 'voip', callees: ['customer'] });
  const [invite] = await invited;
  expect(invite.callId).toBe(rung.callId);
  const customerRoom: Room = await customerCalls.accept(rung.callId);
  const agentRoom = agent.client.room!;

  const agentChat = new VoipChat(agentRoom, agent.wx);
  expect(await agentChat.join()).toEqual(['agent']);
  const agentSeesBoth = next<[string[]]>(agentChat as never, 'membersChanged', sameMembers(['agent', 'customer']));
  const customerChat = new VoipChat(customerRoom, customer.wx);
  expect((await customerChat.join()).sort()).toEqual(['agent', 'customer']);
  await agentSeesBoth;
  // Joining the chat as an anchor publishes in the room: the other page sees it.
  expect(agentRoom.members.find((m) => m.userId === 'customer')?.stream.publishing).toBe(true);

  // The customer speaks: the agent's page hears who, as the room's active speaker too.
  const speakers = next<[string[]]>(agentChat as never, 'speakersChanged', (ids) => ids.includes('customer'));
  const active = next<[string | null]>(agentRoom as never, 'activeSpeakerChanged', (id) => id === 'customer');
  await customer.voip.speak(true);
  expect((await speakers)[0]).toEqual(['customer']);
  await active;

  // A phone call interrupts the customer: out of the chat; back in the foreground it joins again.
  const interrupted = next<[string]>(customerChat as never, 'interrupted');
  const agentAlone = next<[string[]]>(agentChat as never, 'membersChanged', sameMembers(['agent']));
  await customer.voip.interrupt();
  await Promise.all([interrupted, agentAlone]);
  const agentSeesReturn = next<[string[]]>(agentChat as never, 'membersChanged', sameMembers(['agent', 'customer']));
  customer.app.fireShow();
  await agentSeesReturn;

  // The customer hangs up: it leaves the room, so its chat too; the call ends for both.
  const ended = next<[unknown, string]>(agentCalls as never, 'callEnded');
  const agentAloneAgain = next<[string[]]>(agentChat as never, 'membersChanged', sameMembers(['agent']));
  await customerCalls.hangUp(rung.callId);
  expect((await ended)[1]).toBe('hangup');
  await agentAloneAgain;
  // Leaving the chat but not the room: the agent no longer publishes there.
  await agentChat.leave();
  expect(agentRoom.members.find((m) => m.userId === 'agent')?.stream.publishing).toBe(false);
});

test('a listener joins muted: it never counts as speaking', async () => {
  const host = phone('host');
  const listener = phone('listener');
  const hostRoom = await host.client.joinRoom({ ...joinParams('voip-talk', 'host', 1), backend: 'voip' });
  const listenerRoom = await listener.client.joinRoom(joinParams('voip-talk', 'listener', 2));
  const hostChat = new VoipChat(hostRoom, host.wx);
  await hostChat.join();
  const both = next<[string[]]>(hostChat as never, 'membersChanged', sameMembers(['host', 'listener']));
  await new VoipChat(listenerRoom, listener.wx).join();
  await both;
  const speakers: string[][] = [];
  hostChat.on('speakersChanged', (ids: string[]) => speakers.push(ids));
  await listener.voip.speak(true);
  const hostSpeaks = next<[string[]]>(hostChat as never, 'speakersChanged', (ids) => ids.includes('host'));
  await host.voip.speak(true);
  await hostSpeaks;
  expect(speakers.flat()).not.toContain('listener');
  await host.client.leaveRoom();
  await listener.client.leaveRoom();
});

test('a phone still in a chat (a page closed without leaving it) leaves that one and joins the room\'s', async () => {
  const host = phone('host2');
  const room = await host.client.joinRoom({ ...joinParams('voip-again', 'host2', 1), backend: 'voip' });
  await new VoipChat(room, host.wx).join();
  // A second page of the same phone: WeChat answers -1 (already in a chat) to its join.
  await expect(new Promise((resolve, reject) => host.voip.joinVoIPChat({ groupId: 'x', nonceStr: 'n', timeStamp: 1, signature: 's', success: resolve, fail: reject }))).rejects.toMatchObject({ errCode: -1 });
  expect(await new VoipChat(room, host.wx).join()).toEqual(['host2']);
  await host.client.leaveRoom();
});

test('a room not on voip: joining its chat is refused before WeChat is asked', async () => {
  const solo = phone('solo');
  const room = await solo.client.joinRoom(joinParams('rtmp-room', 'solo', 1));
  await expect(new VoipChat(room, solo.wx).join()).rejects.toMatchObject({ code: 'INVALID_STATE' });
  await solo.client.leaveRoom();
});
