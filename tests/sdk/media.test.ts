/**
 * Media helpers: the active-speaker choice as a pure function, and the `<live-pusher>` /
 * `<live-player>` handlers against a real local cloud (a gave-up code fetches a fresh URL).
 */
import { pickSpeaker } from '../../miniprogram/lib/src/index';
import type { MediaEvent } from '../../miniprogram/lib/src/index';
import { speakerTracker } from '../../miniprogram/lib/src/media';
import { EventLog, joinParams, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';

const opts = { threshold: 20, margin: 10 };

describe('pickSpeaker', () => {
  test('the loudest at or above the threshold, else nobody', () => {
    expect(pickSpeaker(null, {}, opts)).toBeNull();
    expect(pickSpeaker(null, { a: 19, b: 5 }, opts)).toBeNull();
    expect(pickSpeaker(null, { a: 20, b: 5 }, opts)).toBe('a');
    expect(pickSpeaker(null, { a: 30, b: 45 }, opts)).toBe('b');
  });

  test('hysteresis: the speaker keeps the floor against a slightly louder voice and through short dips', () => {
    expect(pickSpeaker('a', { a: 30, b: 39 }, opts)).toBe('a');
    expect(pickSpeaker('a', { a: 30, b: 40 }, opts)).toBe('b');
    expect(pickSpeaker('a', { a: 10, b: 15 }, opts)).toBe('a');
    expect(pickSpeaker('a', { a: 9, b: 15 }, opts)).toBeNull();
    expect(pickSpeaker('a', { a: 9, b: 25 }, opts)).toBe('b');
    expect(pickSpeaker('gone', { b: 15 }, opts)).toBeNull();
  });

  test('the tracker reports changes only, and forgets readings that stopped coming', () => {
    let now = 0;
    const changes: Array<string | null> = [];
    const feed = speakerTracker(() => now, (id) => changes.push(id), opts);
    feed('a', 50);
    feed('a', 55);
    feed('b', 58);
    now = 1000;
    feed('b', 70);
    now = 3000;
    // a's last reading is 3 s old: only b counts, and b is quiet now.
    feed('b', 0);
    expect(changes).toEqual(['a', 'b', null]);
  });
});

describe('media handlers on the local cloud', () => {
  let ctx: SdkTestContext;
  beforeAll(async () => {
    ctx = await setupSdkTest();
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  const event = (detail: MediaEvent['detail']): MediaEvent => ({ detail });

  test('pusher: 1002 is publishing, -1307 brings a fresh push URL; player: -2301 a fresh pull URL', async () => {
    const anchor = await (await ctx.client('m-a')).joinRoom(joinParams('media-1', 'm-a', 1));
    const listener = await (await ctx.client('m-l')).joinRoom(joinParams('media-1', 'm-l', 2));
    const alog = new EventLog(anchor);
    const llog = new EventLog(listener);
    const states: string[] = [];
    const pushUrls: string[] = [];
    const pullUrls: string[] = [];
    const speakers: Array<string | null> = [];
    const errors: string[] = [];
    anchor.on('pusherStateChanged', (s) => states.push(s));
    anchor.on('pushUrlChanged', (u) => pushUrls.push(u));
    anchor.on('error', (e) => errors.push(e.code));
    listener.on('pullUrlChanged', (id, u) => pullUrls.push(`${id} ${u}`));
    listener.on('activeSpeakerChanged', (id) => speakers.push(id));

    const first = await anchor.publish();
    const pusher = anchor.createPusherHandlers();
    pusher.onStateChange(event({ code: 1002 }));
    pusher.onStateChange(event({ code: 1102 }));
    pusher.onStateChange(event({ code: -1307 }));
    await new Promise<void>((resolve) => anchor.once('pushUrlChanged', () => resolve()));
    expect(states).toEqual(['publishing', 'restarting']);
    expect(pushUrls).toHaveLength(1);
    expect(pushUrls[0]).toMatch(/^rtmp:\/\//);
    expect(pushUrls[0].split('?')[0]).toBe(first.split('?')[0]);
    pusher.onError(event({ errMsg: 'camera denied' }));
    expect(errors).toEqual(['NETWORK']);

    await llog.waitFor('streamPublished', (m) => m.userId === 'm-a');
    const player = listener.createPlayerHandlers('m-a');
    player.onStateChange(event({ code: 2004 }));
    player.onStateChange(event({ code: -2301 }));
    await new Promise<void>((resolve) => listener.once('pullUrlChanged', () => resolve()));
    expect(pullUrls).toHaveLength(1);
    expect(pullUrls[0]).toMatch(/^m-a (rtmp|http):\/\//);
    player.onAudioVolumeNotify(event({ volume: 60 }));
    player.onAudioVolumeNotify(event({ volume: 2 }));
    expect(speakers).toEqual(['m-a', null]);
    expect(() => listener.createPlayerHandlers('not an id')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(alog.all('error')).toEqual([[expect.objectContaining({ code: 'NETWORK' })]]);
  });

  test('player: -2301 for an anchor who has not started publishing waits for its streamPublished', async () => {
    const anchor = await (await ctx.client('w-a')).joinRoom(joinParams('media-2', 'w-a', 1));
    // The listener's real cloud client, watched: it says when each call the SDK made has answered.
    const platform = ctx.platform('openid-w-l');
    const answered: string[] = [];
    const watched = Object.create(platform) as typeof platform;
    watched.callFunction = async (arg) => {
      const res = await platform.callFunction(arg);
      answered.push(String((arg.data as { action?: string }).action));
      return res;
    };
    const listener = await (await ctx.client('w-l', { cloud: watched })).joinRoom(joinParams('media-2', 'w-l', 2));
    const llog = new EventLog(listener);
    const pullUrls: string[] = [];
    listener.on('pullUrlChanged', (id, u) => pullUrls.push(`${id} ${u}`));
    const [early] = await listener.subscribe();
    expect(early).toMatchObject({ userId: 'w-a', publishing: false });

    const player = listener.createPlayerHandlers('w-a');
    const before = answered.filter((a) => a === 'subscribe').length;
    player.onStateChange(event({ code: -2301 }));
    for (let i = 0; i < 500 && answered.filter((a) => a === 'subscribe').length === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(answered.filter((a) => a === 'subscribe')).toHaveLength(before + 1);
    expect(pullUrls).toEqual([]); // nothing to restart on: the stream has not started

    await anchor.publish();
    const [, started] = await llog.waitFor('streamPublished', (m) => m.userId === 'w-a');
    expect(started.url.split('?')[0]).toBe(early.url.split('?')[0]);
    player.onStateChange(event({ code: -2301 }));
    await new Promise<void>((resolve) => listener.once('pullUrlChanged', () => resolve()));
    expect(pullUrls).toEqual([expect.stringMatching(/^w-a rtmp:\/\//)]);
  });
});
