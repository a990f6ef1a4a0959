/**
 * Real audio through the local media server (its own process, free ports): URLs come from the jrtc
 * function through the wx.cloud-shaped client, ffmpeg pushes and pulls them, and every wrong URL is
 * refused — for node-media-server style and Tencent CSS signatures alike.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { localFunctionEnv } from '../emulator/jrtc/localEnv';
import { signPullUrls, signPushUrl } from '../shared/signers';
import type { MediaProvider } from '../shared/signers';
import { FlvAudioCounter, readWav, toneFrequency } from './helpers/audio';
import { startCloudProcess, CloudProcess } from './helpers/cloudProcess';
import { decodeToWav, killAll, probe, pullAudio, pushTone, requireFfmpeg } from './helpers/ffmpeg';
import { callOk, joinAs, Joined } from './helpers/room';

jest.setTimeout(90_000);

interface MediaInfo {
  streams: { path: string; publishing: boolean; players: number }[];
  refusedPublish: number;
  refusedPlay: number;
  revoked: number;
}

const APP = 'live';
const URL_TTL_SECONDS = 600; // cloudbaserc.json JRTC_URL_TTL_SECONDS, which the local cloud keeps
const counters: FlvAudioCounter[] = [];

afterEach(async () => {
  killAll();
  await Promise.all(counters.splice(0).map((c) => c.close()));
});

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The same URL with a different 32-hex-digit signature (one digit changed). */
function tampered(url: string): string {
  const out = url.replace(/[0-9a-f]{32}/i, (h) => (h[0] === '0' ? '1' : '0') + h.slice(1));
  expect(out).not.toBe(url);
  return out;
}

/** `url`'s scheme, host and path with `other`'s query: another stream's signature. */
function withQueryOf(url: string, other: string): string {
  return `${url.split('?')[0]}?${other.split('?')[1]}`;
}

const unsigned = (url: string): string => url.split('?')[0];

describe.each<MediaProvider>(['nms', 'tencent-css'])('media server with %s signatures', (provider) => {
  let cloud: CloudProcess;
  let rtmpPort: number;
  let httpPort: number;
  let tmp: string;
  let roomSeq = 0;

  beforeAll(async () => {
    requireFfmpeg();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-media-'));
    cloud = await startCloudProcess({ media: { provider } });
    ({ rtmpPort, httpPort } = cloud.media!);
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  async function media(): Promise<MediaInfo> {
    return (await cloud.info()).media as MediaInfo;
  }

  async function playersOf(streamId: string): Promise<number> {
    return (await media()).streams.find((s) => s.path === `/${APP}/${streamId}`)?.players ?? 0;
  }

  /** A fresh room with an anchor who publishes and an audience member who subscribes. */
  async function liveRoom(): Promise<{ anchor: Joined; pushUrl: string; streamId: string; rtmp: string; flv: string }> {
    roomSeq += 1;
    const room = `media-${provider}-${roomSeq}`;
    const anchor = await joinAs(cloud.url, room, 'anchor', 1);
    const listener = await joinAs(cloud.url, room, 'listener', 2);
    const pub = await callOk(anchor.client, 'publish', anchor.session);
    const sub = await callOk(listener.client, 'subscribe', listener.session);
    const stream = sub.streams.find((s) => s.streamId === pub.streamId);
    if (!stream) throw new Error('subscribe did not list the publishing anchor');
    return { anchor, pushUrl: pub.pushUrl, streamId: pub.streamId, rtmp: stream.url, flv: stream.urls.flv };
  }

  /** Pushes to `url` and expects the server to refuse it (counted by the server, ffmpeg failing). */
  async function expectPushRefused(url: string): Promise<void> {
    const before = (await media()).refusedPublish;
    const r = await pushTone(url, 3).done;
    expect(r.timedOut).toBe(false);
    expect(r.code).not.toBe(0);
    expect((await media()).refusedPublish).toBe(before + 1);
  }

  /** Plays `url` (RTMP with ffmpeg, HTTP-FLV with fetch) and expects a refusal. */
  async function expectPlayRefused(url: string): Promise<void> {
    const before = (await media()).refusedPlay;
    if (url.startsWith('rtmp:')) {
      const r = await pullAudio(url, path.join(tmp, 'refused.flv'), 2).done;
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
    } else {
      const res = await fetch(url);
      await res.body?.cancel();
      expect(res.status).toBe(403);
    }
    expect((await media()).refusedPlay).toBe(before + 1);
  }

  test('a 440 Hz tone pushed to the publish URL plays over RTMP and HTTP-FLV', async () => {
    const live = await liveRoom();
    expect(live.pushUrl.startsWith(`rtmp://127.0.0.1:${rtmpPort}/${APP}/${live.streamId}?`)).toBe(true);
    expect(live.rtmp.startsWith(`rtmp://127.0.0.1:${rtmpPort}/${APP}/${live.streamId}?`)).toBe(true);
    expect(live.flv.startsWith(`http://127.0.0.1:${httpPort}/${APP}/${live.streamId}.flv?`)).toBe(true);

    const files = { rtmp: path.join(tmp, `${provider}-rtmp.flv`), flv: path.join(tmp, `${provider}-http.flv`) };
    const pulls = [pullAudio(live.rtmp, files.rtmp, 3), pullAudio(live.flv, files.flv, 3)];
    await waitFor('both players to attach', async () => (await playersOf(live.streamId)) >= 2);
    const push = pushTone(live.pushUrl, 4);
    const results = await Promise.all([push.done, ...pulls.map((p) => p.done)]);
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });

    for (const file of Object.values(files)) {
      expect((await probe(file)).codecs).toEqual(['aac']);
      const wav = `${file}.wav`;
      expect((await decodeToWav(file, wav)).code).toBe(0);
      expect((await probe(wav)).durationSeconds).toBeGreaterThan(2);
      const { rate, samples } = readWav(wav);
      const hz = toneFrequency(rate, samples);
      expect(hz).toBeGreaterThan(440 * 0.95);
      expect(hz).toBeLessThan(440 * 1.05);
    }
  });

  test('publishing is refused unsigned, expired, tampered, with another stream’s or a pull signature', async () => {
    const a = await liveRoom();
    const b = await liveRoom();
    const expired = signPushUrl({
      provider,
      key: localFunctionEnv.JRTC_PUSH_KEY,
      domain: `127.0.0.1:${rtmpPort}`,
      app: APP,
      stream: a.streamId,
      expireAt: Math.floor(Date.now() / 1000) - 60,
    });
    await expectPushRefused(unsigned(a.pushUrl));
    await expectPushRefused(expired);
    await expectPushRefused(tampered(a.pushUrl));
    await expectPushRefused(withQueryOf(a.pushUrl, b.pushUrl));
    await expectPushRefused(a.rtmp); // a pull URL is signed with the pull key
  });

  test('playing is refused unsigned, expired, tampered and with another stream’s signature', async () => {
    const a = await liveRoom();
    const b = await liveRoom();
    const expired = signPullUrls({
      provider,
      key: localFunctionEnv.JRTC_PULL_KEY,
      domain: `127.0.0.1:${rtmpPort}`,
      app: APP,
      stream: a.streamId,
      expireAt: Math.floor(Date.now() / 1000) - 60,
      scheme: 'http',
      httpPort,
    });
    for (const [url, other, old] of [
      [a.rtmp, b.rtmp, expired.rtmp],
      [a.flv, b.flv, expired.flv],
    ]) {
      await expectPlayRefused(unsigned(url));
      await expectPlayRefused(old);
      await expectPlayRefused(tampered(url));
      await expectPlayRefused(withQueryOf(url, other));
    }
  });

  test('a refused publisher delivers zero media to a player of its stream', async () => {
    const live = await liveRoom();
    const player = await FlvAudioCounter.open(live.flv);
    counters.push(player);
    expect(player.status).toBe(200);
    await waitFor('the player to attach', async () => (await playersOf(live.streamId)) >= 1);

    const refused = pushTone(tampered(live.pushUrl), 4);
    const r = await refused.done;
    expect(r.code).not.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // packets in flight would have arrived
    expect(player.audioTags).toBe(0);

    // The same player does hear an accepted publisher: the count above could have been otherwise.
    const accepted = pushTone(live.pushUrl, 2);
    expect((await accepted.done).code).toBe(0);
    await waitFor('audio from the accepted publisher', () => player.audioTags > 10);
  });

  test('unpublish and leaving cut the publisher off, and the old push URL is refused', async () => {
    const live = await liveRoom();
    const player = await FlvAudioCounter.open(live.flv);
    counters.push(player);
    await waitFor('the player to attach', async () => (await playersOf(live.streamId)) >= 1);

    const push = pushTone(live.pushUrl, 30);
    await waitFor('audio to flow', () => player.audioTags > 20);
    await callOk(live.anchor.client, 'unpublish', live.anchor.session);
    const r = await push.done;
    expect(r.timedOut).toBe(false);
    expect(r.code).not.toBe(0);
    expect((await media()).revoked).toBeGreaterThanOrEqual(1);
    const heard = player.audioTags;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(player.audioTags).toBe(heard);
    await expectPushRefused(live.pushUrl);

    // Publishing again makes the URL valid again; leaving the room cuts the publisher off too.
    const again = await callOk(live.anchor.client, 'publish', live.anchor.session);
    const push2 = pushTone(again.pushUrl, 30);
    await waitFor('audio to flow again', () => player.audioTags > heard + 20);
    await callOk(live.anchor.client, 'leaveRoom', live.anchor.session);
    const r2 = await push2.done;
    expect(r2.timedOut).toBe(false);
    expect(r2.code).not.toBe(0);
    await expectPushRefused(again.pushUrl);
  });

  // Last: it moves this process's clock past every URL issued so far.
  test('URLs stop working once the emulator clock passes their expiry', async () => {
    const live = await liveRoom();
    await cloud.advanceClock((URL_TTL_SECONDS + 5) * 1000);
    await expectPushRefused(live.pushUrl);
    await expectPlayRefused(live.flv);
    await expectPlayRefused(live.rtmp);
  });
});
