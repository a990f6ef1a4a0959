/**
 * The local TRTC stand-in (emulator/jrtc/media/trtcLocal.ts) against a local cloud started in this
 * process with its media server: a `trtc` room joined and published through the real jrtc function,
 * then each entry the stand-in must accept or refuse, as TRTC would (-100018: the UserSig; -100006:
 * the PrivateMapKey and membership). Refused entries are varied from a control that is accepted,
 * so each refusal is due to the one thing changed.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { inflateSync } from 'zlib';
import { createCloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import { Collections, roomKeyOf } from '../../shared';
import type { ActionResponse } from '../../shared';
import { ANCHOR_PRIVILEGES, AUDIENCE_PRIVILEGES, genPrivateMapKey, genUserSig, trtcRoomOf } from '../../shared/signers/trtc';
import { parseTrtcPushUrl, trtcPlayUrl, trtcPushUrl } from '../../shared/signers/trtcUrl';
import { killAll, pullAudio, pushTone, requireFfmpeg } from '../helpers/ffmpeg';
import { expectPitch, pitchOf } from '../helpers/pitch';
import { APP_ID, callOk, joinParams } from '../helpers/room';
import type { Client } from '../helpers/room';
import { TrtcEntryError, localTrtc } from '../helpers/trtc';

jest.setTimeout(60_000);

const SDKAPPID = Number(localFunctionEnv.JRTC_TRTC_SDKAPPID);
const SECRET = localFunctionEnv.JRTC_TRTC_SECRET_KEY;
const ROOM = 'trtc-local';
const TRTC_ROOM = trtcRoomOf(roomKeyOf(APP_ID, ROOM));

let cloud: LocalCloud;
let dataDir: string;
let tmp: string;
let alice: { client: Client; sessionId: string };
let bob: { client: Client; sessionId: string };
let published: ActionResponse<'publish'>;
let subscribed: ActionResponse<'subscribe'>;

const session = (userId: string, sessionId: string) => ({ appId: APP_ID, userRoomId: ROOM, userId, sessionId });

async function join(userId: string, role: 1 | 2, room = ROOM): Promise<{ client: Client; sessionId: string }> {
  const client = createCloudClient({ url: cloud.url, openid: `openid-${userId}` });
  const joined = await callOk(client, 'joinRoom', { ...joinParams(room, userId, role), backend: 'trtc' });
  expect(joined.room.backend).toBe('trtc');
  return { client, sessionId: joined.sessionId };
}

beforeAll(async () => {
  requireFfmpeg();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-trtc-local-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-trtc-cloud-'));
  cloud = await startLocalCloud({ port: 0, dataDir, timers: false, media: { rtmpPort: 0, httpPort: 0 }, log: () => undefined });
  alice = await join('alice', 1);
  bob = await join('bob', 2);
  published = await callOk(alice.client, 'publish', session('alice', alice.sessionId));
  subscribed = await callOk(bob.client, 'subscribe', session('bob', bob.sessionId));
});

afterEach(() => killAll());

afterAll(async () => {
  await cloud?.stop();
  for (const dir of [dataDir, tmp]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The TRTC code `promise` is refused with (fails when it is accepted). */
async function refusal(promise: Promise<string>): Promise<number> {
  const outcome = await promise.then(
    (url) => new Error(`accepted: ${url}`),
    (err: unknown) => err,
  );
  if (!(outcome instanceof TrtcEntryError)) throw outcome;
  return outcome.code;
}

/** A signature's signing time and lifetime (inflated as TRTC does). */
function fieldsOf(sig: string): { time: number; expire: number } {
  const doc = JSON.parse(inflateSync(Buffer.from(sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString('utf8')) as Record<string, number>;
  return { time: doc['TLS.time'], expire: doc['TLS.expire'] };
}

/**
 * An entry URL signed here, by default exactly as the function signs alice's (same app, key, user,
 * room, privileges and times); each option changes one thing.
 */
function entry(o: { key?: string; sdkAppId?: number; urlAppId?: number; userId?: string; room?: string; privileges?: number; now?: number; mapNow?: number; noMap?: boolean } = {}): string {
  const { time, expire } = fieldsOf(parseTrtcPushUrl(published.pushUrl)!.userSig);
  const userId = o.userId ?? 'alice';
  const sig = { sdkAppId: o.sdkAppId ?? SDKAPPID, secretKey: o.key ?? SECRET, userId, now: o.now ?? time, expireSeconds: expire };
  const room = { strRoomId: o.room ?? TRTC_ROOM };
  const privateMapKey = o.noMap ? undefined : genPrivateMapKey({ ...sig, now: o.mapNow ?? sig.now, room, privileges: o.privileges ?? ANCHOR_PRIVILEGES });
  return trtcPushUrl({ sdkAppId: o.urlAppId ?? sig.sdkAppId, room, userId, userSig: genUserSig(sig), privateMapKey });
}

/** `url` with its query parameter `name` set to `value` (removed when null), the others as they were. */
function withParam(url: string, name: string, value: string | null): string {
  const [base, query] = url.split('?');
  const parts = query.split('&').filter((p) => value !== null || !p.startsWith(`${name}=`));
  return `${base}?${parts.map((p) => (p.startsWith(`${name}=`) ? `${name}=${encodeURIComponent(value!)}` : p)).join('&')}`;
}

const alicePlay = (): string => subscribed.streams.find((s) => s.userId === 'alice')!.url;

describe('accepted', () => {
  test('the function answers room:// URLs for the trtc room: alice pushes, bob listens with his own entry', () => {
    expect(published.backend).toBe('trtc');
    expect(parseTrtcPushUrl(published.pushUrl)).toMatchObject({ sdkAppId: SDKAPPID, room: { strRoomId: TRTC_ROOM }, userId: 'alice' });
    expect(subscribed.backend).toBe('trtc');
    expect(parseTrtcPushUrl(subscribed.enterUrl!)).toMatchObject({ sdkAppId: SDKAPPID, room: { strRoomId: TRTC_ROOM }, userId: 'bob' });
    expect(alicePlay()).toBe(trtcPlayUrl('alice'));
  });

  test("alice's push URL → an RTMP push URL; bob's entry + alice's play URL → an RTMP play URL of the same stream; real audio flows", async () => {
    const push = await localTrtc(cloud.url, published.pushUrl);
    const play = await localTrtc(cloud.url, subscribed.enterUrl!, alicePlay());
    const rtmp = `rtmp://127.0.0.1:${cloud.media!.rtmpPort}/`;
    expect(push.startsWith(rtmp)).toBe(true);
    expect(play.startsWith(rtmp)).toBe(true);
    const streamPath = (url: string): string => new URL(url).pathname;
    expect(streamPath(push)).toBe(streamPath(play));
    expect(streamPath(push)).toContain(published.streamId);

    const heard = path.join(tmp, 'bob-hears-alice.flv');
    const player = pullAudio(play, heard, 3);
    const mic = pushTone(push, 5, 550);
    for (const r of await Promise.all([player.done, mic.done])) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expectPitch(await pitchOf(heard), 550);
  });

  test("a stage's audience on CDN pull: subscribe with cdn answers alice's relay stream (her push URL's streamid), signed as on rtmp, and it plays what she sends over TRTC", async () => {
    expect(parseTrtcPushUrl(published.pushUrl)?.streamId).toBe(published.streamId);
    const dan = await join('dan', 2);
    const viaCdn = await callOk(dan.client, 'subscribe', { ...session('dan', dan.sessionId), cdn: true });
    expect(viaCdn).not.toHaveProperty('enterUrl');
    expect(viaCdn.backend).toBe('trtc');
    const stream = viaCdn.streams.find((x) => x.userId === 'alice')!;
    expect(stream.url).toMatch(new RegExp(`^rtmp://127\\.0\\.0\\.1:${cloud.media!.rtmpPort}/live/${published.streamId}\\?sign=`));

    const heard = path.join(tmp, 'dan-hears-alice-via-cdn.flv');
    const player = pullAudio(stream.url, heard, 3);
    const mic = pushTone(await localTrtc(cloud.url, published.pushUrl), 5, 660);
    for (const r of await Promise.all([player.done, mic.done])) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expectPitch(await pitchOf(heard), 660);
  });

  test('the control: an entry signed here as the function signs alice’s is accepted (so each refusal below is the change it makes)', async () => {
    await expect(localTrtc(cloud.url, entry())).resolves.toMatch(/^rtmp:\/\//);
    await expect(localTrtc(cloud.url, entry({ privileges: AUDIENCE_PRIVILEGES }), alicePlay())).resolves.toMatch(/^rtmp:\/\//);
  });
  test("names that do not fit TRTC's (a room key over 64 bytes, userIds with '@' and '.') travel as digests and still find their members", async () => {
    const room = `long-${'r'.repeat(55)}`;
    const carol = await join('carol@example.com', 1, room);
    const dave = await join('dave.d', 2, room);
    const at = (userId: string, sessionId: string) => ({ appId: APP_ID, userRoomId: room, userId, sessionId });
    const push = await callOk(carol.client, 'publish', at('carol@example.com', carol.sessionId));
    const sub = await callOk(dave.client, 'subscribe', at('dave.d', dave.sessionId));
    const entered = parseTrtcPushUrl(push.pushUrl)!;
    expect(entered.room).toEqual({ strRoomId: trtcRoomOf(roomKeyOf(APP_ID, room)) });
    expect(entered.room).toEqual({ strRoomId: expect.stringMatching(/^j-/) });
    expect(entered.userId).toMatch(/^u-/);
    const rtmp = await localTrtc(cloud.url, push.pushUrl);
    const play = await localTrtc(cloud.url, sub.enterUrl!, sub.streams[0].url);
    expect(new URL(play).pathname).toBe(new URL(rtmp).pathname);
    expect(new URL(rtmp).pathname).toContain(push.streamId);
    // Bob's entry is for his own room: it plays nobody of this one.
    expect(await refusal(localTrtc(cloud.url, subscribed.enterUrl!, sub.streams[0].url))).toBe(-100006);
  });
});

describe('refused -100018 (UserSig)', () => {
  test('re-signed with another secret key (same fields)', async () => {
    expect(await refusal(localTrtc(cloud.url, entry({ key: `${SECRET.slice(0, -1)}1` })))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, entry({ key: 'another-apps-secret-key' }), alicePlay()))).toBe(-100018);
  });

  test('another sdkappid: in the URL and the signatures, or only in the signatures', async () => {
    expect(await refusal(localTrtc(cloud.url, entry({ sdkAppId: SDKAPPID + 1 })))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, entry({ sdkAppId: SDKAPPID + 1, urlAppId: SDKAPPID })))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'sdkappid', String(SDKAPPID + 1))))).toBe(-100018);
  });

  test("the userid swapped for another member's, alice's signatures kept", async () => {
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'userid', 'bob')))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, withParam(subscribed.enterUrl!, 'userid', 'alice'), alicePlay()))).toBe(-100018);
  });

  test('a PrivateMapKey where the UserSig goes, a malformed UserSig', async () => {
    const { privateMapKey } = parseTrtcPushUrl(published.pushUrl)!;
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'usersig', privateMapKey!)))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'usersig', 'eJyrVkrOL0pVslIqSs1NLS5JTVGqBQA1')))).toBe(-100018);
  });

  test('not a room:// entry: an RTMP URL, a numeric roomid, a play URL as the entry, a non-room play URL', async () => {
    const rtmp = await localTrtc(cloud.url, published.pushUrl);
    expect(await refusal(localTrtc(cloud.url, rtmp))).toBe(-100018);
    const numeric = trtcPushUrl({ sdkAppId: SDKAPPID, room: { roomId: 1234 }, userId: 'alice', userSig: parseTrtcPushUrl(published.pushUrl)!.userSig });
    expect(await refusal(localTrtc(cloud.url, numeric))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, alicePlay()))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, subscribed.enterUrl!, rtmp))).toBe(-100018);
  });
});

describe('refused -100006 (PrivateMapKey, membership)', () => {
  test("bob's audience entry used to push: no send privilege", async () => {
    expect(await refusal(localTrtc(cloud.url, subscribed.enterUrl!))).toBe(-100006);
    // The same holds for an entry signed here with the audience's privileges, alice's included.
    expect(await refusal(localTrtc(cloud.url, entry({ privileges: AUDIENCE_PRIVILEGES })))).toBe(-100006);
  });

  test('a PrivateMapKey for another room, or for another user', async () => {
    const other = trtcRoomOf(roomKeyOf(APP_ID, 'another-room'));
    const otherMap = parseTrtcPushUrl(entry({ room: other }))!.privateMapKey!;
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'privatemapkey', otherMap)))).toBe(-100006);
    const bobsMap = parseTrtcPushUrl(subscribed.enterUrl!)!.privateMapKey!;
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'privatemapkey', bobsMap), alicePlay()))).toBe(-100006);
  });

  test('no privatemapkey (TRTC with "启用权限密钥" on), empty or absent', async () => {
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'privatemapkey', '')))).toBe(-100006);
    expect(await refusal(localTrtc(cloud.url, withParam(published.pushUrl, 'privatemapkey', null)))).toBe(-100006);
    expect(await refusal(localTrtc(cloud.url, entry({ noMap: true })))).toBe(-100006);
  });

  test('a play URL for a user not in the room; an entry for a room nobody joined', async () => {
    expect(await refusal(localTrtc(cloud.url, subscribed.enterUrl!, trtcPlayUrl('carol')))).toBe(-100006);
    expect(await refusal(localTrtc(cloud.url, entry({ room: trtcRoomOf(roomKeyOf(APP_ID, 'nobody-here')) })))).toBe(-100006);
  });
});

describe('after refusals', () => {
  test('nothing is published for bob: the media server has no stream of his, nor any but alice’s', async () => {
    for (const refused of [subscribed.enterUrl!, withParam(published.pushUrl, 'userid', 'bob'), entry({ userId: 'bob', privileges: AUDIENCE_PRIVILEGES })]) {
      expect(await refusal(localTrtc(cloud.url, refused))).toBeLessThan(0);
    }
    const members = await cloud.store.find(Collections.members, { roomKey: roomKeyOf(APP_ID, ROOM) });
    const bobsStream = String((members.find((m) => m.userId === 'bob')?.stream as { streamId?: unknown }).streamId);
    expect(bobsStream).toContain('bob');
    const info = cloud.media!.getInfo() as { running: boolean; streams: Array<{ path: string; publishing: boolean }> };
    expect(info.running).toBe(true);
    expect(info.streams.filter((s) => s.path.endsWith(`/${bobsStream}`))).toEqual([]);
    // Alice's tone (the audio test) is the only stream the media server has seen published.
    expect(info.streams.filter((s) => s.publishing && !s.path.endsWith(`/${published.streamId}`))).toEqual([]);
  });
});

describe('expiry (runs last: it moves the cloud clock)', () => {
  test('past JRTC_URL_TTL_SECONDS the UserSig is expired (-100018); a fresh UserSig with the old PrivateMapKey is refused too (-100006)', async () => {
    const { time, expire } = fieldsOf(parseTrtcPushUrl(published.pushUrl)!.userSig);
    expect(expire).toBe(600);
    await expect(localTrtc(cloud.url, published.pushUrl)).resolves.toMatch(/^rtmp:\/\//);
    cloud.clock.advance((time + expire + 1) * 1000 - cloud.clock.now());
    expect(await refusal(localTrtc(cloud.url, published.pushUrl))).toBe(-100018);
    expect(await refusal(localTrtc(cloud.url, subscribed.enterUrl!, alicePlay()))).toBe(-100018);
    const now = Math.floor(cloud.clock.now() / 1000);
    expect(await refusal(localTrtc(cloud.url, entry({ now, mapNow: time })))).toBe(-100006);
    // Signed again at the new time, it is accepted: the expiry is what was refused.
    await expect(localTrtc(cloud.url, entry({ now }))).resolves.toMatch(/^rtmp:\/\//);
  });
});
