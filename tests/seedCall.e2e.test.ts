/**
 * The seed's flow as a two-party call, both sides joining at once, through the BUILT SDK and the
 * global `wx.cloud` against a local cloud with its media server (own process): each page joins,
 * subscribes ONCE (before the other side publishes), plays what that gave it, then publishes.
 * ffmpeg is each phone's microphone (a tone of its own pitch) and each page's player; each must hear
 * the other's pitch. Before issue 24, subscribe answered `url: ''` here and nobody heard anyone.
 */
import type { JRTCEventCallbacks } from '../miniprogram/lib/jrtc-miniapp.min';
import { expectPitch, pitchOf } from './helpers/pitch';
import { pullAudio, pushTone } from './helpers/ffmpeg';
import { mediaPages } from './helpers/mediaPages';
import { joinParams } from './helpers/room';

jest.setTimeout(90_000);

type Started = Parameters<JRTCEventCallbacks['StreamPublished']>[0];

const pages = mediaPages();

/** One phone's page, as the seed writes it: init (global wx.cloud), listeners, joinRoom. */
function page(userId: string) {
  const jrtcMiniapp = pages.init(userId);
  const started: Started[] = [];
  jrtcMiniapp.on('StreamPublished', (stream) => started.push(stream));
  return { jrtcMiniapp, started, join: (room: string) => jrtcMiniapp.joinRoom(joinParams(room, userId, 1)) };
}

test("the seed's flow with both sides joining at once: each hears the other (real audio)", async () => {
  const room = 'seed-call-1';
  const agent = page('agent');
  const customer = page('customer');
  await Promise.all([agent.join(room), customer.join(room)]);

  // Both subscribe once, right after joining: nobody publishes yet, and each gets the other's URL.
  const [a, c] = await Promise.all([agent.jrtcMiniapp.subscribe(), customer.jrtcMiniapp.subscribe()]);
  expect(a.streams.map((s) => [s.userId, s.publishing])).toEqual([['customer', false]]);
  expect(c.streams.map((s) => [s.userId, s.publishing])).toEqual([['agent', false]]);
  expect(a.url).toBe(a.streams[0].url);
  expect(c.url).toBe(c.streams[0].url);

  // Each page binds that URL to its player at once; then both publish (the seed's publish()).
  const heardByAgent = pages.file('agent-hears.flv');
  const heardByCustomer = pages.file('customer-hears.flv');
  const players = [pullAudio(a.url, heardByAgent, 3), pullAudio(c.url, heardByCustomer, 3)];
  const [agentPush, customerPush] = await Promise.all([agent.jrtcMiniapp.publish(), customer.jrtcMiniapp.publish()]);
  const microphones = [pushTone(agentPush.url, 5, 440), pushTone(customerPush.url, 5, 660)];

  const results = await Promise.all([...players, ...microphones].map((p) => p.done));
  for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expectPitch(await pitchOf(heardByAgent), 660);
  expectPitch(await pitchOf(heardByCustomer), 440);

  // And each page was told when the other's stream started, for the same stream it was already playing.
  const stream = (u: string) => u.split('?')[0];
  expect(agent.started.map((s) => [s.userId, stream(s.url)])).toEqual([['customer', stream(a.url)]]);
  expect(customer.started.map((s) => [s.userId, stream(s.url)])).toEqual([['agent', stream(c.url)]]);
});

test('setRole(1) answers a pullUrl for an anchor on stage who has not started publishing', async () => {
  const room = 'seed-call-2';
  const host = page('host');
  const guest = page('guest');
  await host.join(room);
  await guest.jrtcMiniapp.joinRoom(joinParams(room, 'guest', 2));
  const { data } = await guest.jrtcMiniapp.setRole(1);
  const [hostStream] = (await guest.jrtcMiniapp.subscribe()).streams;
  expect(hostStream).toMatchObject({ userId: 'host', publishing: false });
  expect(data.pullUrl.split('?')[0]).toBe(hostStream.url.split('?')[0]);

  // The audience is no stream: once the guest steps down, the host has nothing to play.
  await guest.jrtcMiniapp.setRole(2);
  expect(await host.jrtcMiniapp.subscribe()).toMatchObject({ url: '', streams: [] });
});
