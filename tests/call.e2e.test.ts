/**
 * A call in the JRTC form, through the BUILT SDK and calls bundles and the global `wx.cloud`,
 * against a local cloud with its media server (own process): the agent rings, the customer's page
 * is told (CallInvited), answers (acceptCall joins the call's room), both talk with real audio
 * (ffmpeg is each phone's microphone, a tone of its own pitch, and each page's player), and a
 * hang-up reaches the other side (CallEnded, hangup).
 */
import '../miniprogram/lib/jrtc-calls.min';
import type { CallView, EndReason } from '../miniprogram/lib/jrtc-calls.min';
import { expectPitch, pitchOf } from './helpers/pitch';
import { pullAudio, pushTone } from './helpers/ffmpeg';
import { mediaPages } from './helpers/mediaPages';
import { joinParams } from './helpers/room';
import { localTrtc } from './helpers/trtc';

jest.setTimeout(90_000);

const pages = mediaPages();

/** One phone's page: init on the global wx.cloud, the call events recorded. */
function page(userId: string) {
  const jrtcMiniapp = pages.init(userId);
  const events: string[] = [];
  const ended = new Promise<[CallView, EndReason]>((resolve) => jrtcMiniapp.on('CallEnded', (call, reason) => resolve([call, reason])));
  const invited = new Promise<CallView>((resolve) => jrtcMiniapp.on('CallInvited', (call) => resolve(call)));
  for (const name of ['CallInvited', 'CallAccepted'] as const) jrtcMiniapp.on(name, () => events.push(name));
  jrtcMiniapp.on('CallEnded', () => events.push('CallEnded'));
  return { jrtcMiniapp, events, ended, invited };
}

/**
 * What a page's media does with a URL of its backend: RTMP as is; on `trtc` the pusher enters with
 * its room:// push URL and its players play room:// URLs in that room (the local TRTC: helpers/trtc.ts).
 */
const media = {
  rtmp: { push: async (url: string) => url, play: async (url: string) => url },
  trtc: {
    push: (url: string) => localTrtc(pages.cloud.url, url),
    play: (url: string, enterUrl: string) => localTrtc(pages.cloud.url, enterUrl, url),
  },
};

test.each(['rtmp', 'trtc'] as const)('ring → accept → talk (real audio both ways) → hang up, in the JRTC form, on %s', async (backend) => {
  const agent = page('agent');
  const customer = page('customer');
  // The customer's page listens for its user (a token from the app's server binds the userId).
  const { token, nonce, timestamp, userRoomId } = joinParams('inbox', 'customer', 1);
  await customer.jrtcMiniapp.listenCalls({ userId: 'customer', token: { token, nonce, timestamp, userRoomId } });

  const callRoom = `call-room-${backend}`;
  const { code, data: rung } = await agent.jrtcMiniapp.call({ ...joinParams(callRoom, 'agent', 1), backend, callees: ['customer'], data: { subject: 'order 42' } });
  expect(code).toBe(200);
  const invite = await customer.invited;
  expect(invite).toMatchObject({ callId: rung.callId, callerUserId: 'agent', data: { subject: 'order 42' } });
  const { data: room } = await customer.jrtcMiniapp.acceptCall(invite.callId);
  expect(room.userRoomId).toBe(callRoom);

  // Talk: each subscribes once and plays the other's URL, then publishes its microphone.
  // On trtc the pushers enter the room first (TRTC plays nothing to a page outside it).
  const [a, c] = await Promise.all([agent.jrtcMiniapp.subscribe(), customer.jrtcMiniapp.subscribe()]);
  const [agentPush, customerPush] = await Promise.all([agent.jrtcMiniapp.publish(), customer.jrtcMiniapp.publish()]);
  expect([a.url, agentPush.url].map((u) => u.split(':')[0])).toEqual(backend === 'trtc' ? ['room', 'room'] : ['rtmp', 'rtmp']);
  const heardByAgent = pages.file(`agent-hears-${backend}.flv`);
  const heardByCustomer = pages.file(`customer-hears-${backend}.flv`);
  const m = media[backend];
  const [agentHears, customerHears, agentMic, customerMic] = await Promise.all([
    m.play(a.url, agentPush.url),
    m.play(c.url, customerPush.url),
    m.push(agentPush.url),
    m.push(customerPush.url),
  ]);
  const players = [pullAudio(agentHears, heardByAgent, 3), pullAudio(customerHears, heardByCustomer, 3)];
  const microphones = [pushTone(agentMic, 5, 440), pushTone(customerMic, 5, 660)];
  const results = await Promise.all([...players, ...microphones].map((p) => p.done));
  for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expectPitch(await pitchOf(heardByAgent), 660);
  expectPitch(await pitchOf(heardByCustomer), 440);

  // The customer hangs up: both hear it once, and the records say how long it lasted.
  await customer.jrtcMiniapp.hangUp(invite.callId);
  const [[, agentReason], [, customerReason]] = await Promise.all([agent.ended, customer.ended]);
  expect([agentReason, customerReason]).toEqual(['hangup', 'hangup']);
  expect(agent.events).toEqual(['CallAccepted', 'CallEnded']);
  expect(customer.events).toEqual(['CallInvited', 'CallAccepted', 'CallEnded']);
  const { data: records } = await agent.jrtcMiniapp.getCallRecords();
  expect(records[0]).toMatchObject({ callId: rung.callId, state: 'ended', reason: 'hangup' });
  expect((records[0].endedAt ?? 0) - (records[0].answeredAt ?? Infinity)).toBeGreaterThan(3_000);
});
