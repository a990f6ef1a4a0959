/**
 * The seed's ten snippets, as JD Cloud's "Wechat-JRTC-API-overview" writes them, run against a real
 * local cloud through the BUILT bundle (miniprogram/lib/jrtc-miniapp.min.js) and the global
 * `wx.cloud`, as a JRTC page runs: init without await, every call on `jrtcMiniapp`, and
 * `leaveRoom().then(() => jrtcMiniapp.destroy())`. Then every JRTC event, and bad input to every call.
 */
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import type { JRTCEventCallbacks, JRTCFailure, Room } from '../../miniprogram/lib/jrtc-miniapp.min';
import type { CloudClient } from '../../emulator/client/client';
import { APP_ID, PULL_DOMAIN, PUSH_DOMAIN, joinParams, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';
import { platformDouble } from './platformDouble';

let ctx: SdkTestContext;
const opened: Array<{ destroy(): Promise<void> }> = [];
const g = globalThis as { wx?: { cloud: CloudClient | ReturnType<typeof platformDouble>['cloud'] } };

beforeAll(async () => {
  ctx = await setupSdkTest();
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.destroy()));
  delete g.wx;
  await ctx.cleanup();
});

/** The page's `wx` for a user: its wx.cloud talks to the local cloud as that user's WeChat identity. */
function asUser(openid: string): void {
  g.wx = { cloud: ctx.platform(openid) };
}

/** Polls until `ok()`; fails naming `what` after 10 s. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Heard = Array<[string, unknown]>;

/** Records the named client events of `client` as [name, payload]. */
function listen(client: ReturnType<typeof JRTCMiniappClient.init>, names: string[]): Heard {
  const heard: Heard = [];
  for (const name of names) client.on(name as keyof JRTCEventCallbacks, ((payload: unknown) => heard.push([name, payload])) as never);
  return heard;
}

const OK = { code: 200, reason: '' };
const rtmp = (domain: string) => new RegExp(`^rtmp://${domain.replace(/\./g, '\\.')}/`);

describe("the seed's JRTC API, verbatim, on the local cloud", () => {
  test('the ten snippets, with every reply shape', async () => {
    const appId = APP_ID;
    const pushDomain = PUSH_DOMAIN;
    const pullDomain = PULL_DOMAIN;

    // The teacher's page, as the seed writes it.
    asUser('openid-seed-teacher');
    const jrtcMiniapp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    opened.push(jrtcMiniapp);
    expect(typeof jrtcMiniapp.joinRoom).toBe('function');
    {
      const { token, userId, role, nonce, timestamp, userRoomId, nickName } = joinParams('1001', 'teacher', 1, { nickName: 'Ms T' });
      const peerId = 'peer-t';
      const room = await jrtcMiniapp.joinRoom({ appId, token, userId, role, nonce, timestamp, userRoomId, peerId, nickName });
      expect(room).toMatchObject({ userId: 'teacher', userRoomId: '1001', role: 1, state: 'connected' });
    }
    const teacherPush = await jrtcMiniapp.publish();
    expect(teacherPush).toEqual({ ...OK, url: expect.stringMatching(rtmp(pushDomain)) });

    // A student's page, with JRTC's spellings: numeric ids, `timeStamp` as a string, `nickname`.
    asUser('openid-seed-student');
    const studentApp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    opened.push(studentApp);
    const s = joinParams('1001', '42', 2);
    await studentApp.joinRoom({ appId, token: s.token, userId: 42, role: 2, nonce: s.nonce, timeStamp: String(s.timestamp), userRoomId: 1001, nickname: 'Stu' });
    const roleReply = await studentApp.setRole(1);
    expect(roleReply).toEqual({
      ...OK,
      data: { publishUrl: expect.stringMatching(rtmp(pushDomain)), pullUrl: expect.stringMatching(rtmp(pullDomain)), role: 1 },
    });
    expect(roleReply.data.pullUrl).toContain(teacherPush.url.split('/').pop()!.split('?')[0]);
    const studentPush = await studentApp.publish();
    expect(studentPush).toEqual({ ...OK, url: expect.stringMatching(rtmp(pushDomain)) });

    // A listener, who stays in the audience.
    asUser('openid-seed-listener');
    const listenerApp = JRTCMiniappClient.init({ appId, pushDomain, pullDomain });
    opened.push(listenerApp);
    await listenerApp.joinRoom(joinParams('1001', 'listener', 2, { nickName: 'L' }));

    const subscribed = await jrtcMiniapp.subscribe();
    expect(subscribed).toEqual({ ...OK, url: expect.stringMatching(rtmp(pullDomain)), streams: [expect.objectContaining({ userId: '42' })] });
    expect(subscribed.url).toBe(subscribed.streams[0].url);
    const heard = await listenerApp.subscribe();
    expect(heard.streams.map((x) => x.userId)).toEqual(['teacher', '42']);

    const anchors = await jrtcMiniapp.getBroadcasterList();
    expect({ ...anchors, data: [...anchors.data].sort((a, b) => a.userId.localeCompare(b.userId)) }).toEqual({
      ...OK,
      data: [
        { hasAudio: true, nickName: 'Stu', userId: '42', roomId: '1001', role: 1, peerId: '42' },
        { hasAudio: true, nickName: 'Ms T', userId: 'teacher', roomId: '1001', role: 1, peerId: 'peer-t' },
      ],
    });
    expect(await jrtcMiniapp.getAudienceList()).toEqual({
      ...OK,
      data: [{ nickName: 'L', userId: 'listener', roomId: '1001', role: 2, peerId: 'listener' }],
      nextCursor: null,
    });
    expect(await jrtcMiniapp.getRoomMemberCount()).toEqual({ ...OK, data: { total: 3, broadcasterCount: 2, audienceCount: 1 } });

    // Custom signals: to the room, and to one peer; the receivers hear the event their sender named.
    const roomSignals = listen(listenerApp, ['quiz']);
    const peerSignals = listen(studentApp, ['quiz', 'whisper']);
    expect(await jrtcMiniapp.customSignalToRoom({ customEventName: 'quiz', data: { q: 1 } })).toEqual({
      ...OK,
      data: { eventName: 'quiz', nickName: 'Ms T', userId: 'teacher', data: { q: 1 } },
    });
    expect(await jrtcMiniapp.customSignalToPeer({ targetUserId: 42, customData: { customEventName: 'whisper', data: 'hi' } })).toEqual({
      ...OK,
      data: { eventName: 'whisper', nickName: 'Ms T', userId: 'teacher', data: 'hi' },
    });
    await until(() => roomSignals.length === 1 && peerSignals.length === 2, 'the signals');
    expect(roomSignals).toEqual([['quiz', { eventName: 'quiz', nickName: 'Ms T', userId: 'teacher', data: { q: 1 } }]]);
    expect(peerSignals).toEqual([
      ['quiz', { eventName: 'quiz', nickName: 'Ms T', userId: 'teacher', data: { q: 1 } }],
      ['whisper', { eventName: 'whisper', nickName: 'Ms T', userId: 'teacher', data: 'hi' }],
    ]);

    // Going back to the audience stops the stream: no push URL, the teacher's stream to pull.
    const back = await studentApp.setRole(2);
    expect(back).toEqual({ ...OK, data: { publishUrl: '', pullUrl: expect.stringMatching(rtmp(pullDomain)), role: 2 } });
    expect(back.data.pullUrl.split('?')[0]).toBe(roleReply.data.pullUrl.split('?')[0]);
    expect(await jrtcMiniapp.subscribe()).toEqual({ ...OK, url: '', streams: [] });

    // The seed's last snippet.
    let left: unknown;
    await studentApp.leaveRoom().then((reply) => {
      left = reply;
      return studentApp.destroy();
    });
    expect(left).toEqual({ ...OK, data: '' });
    expect(studentApp.room).toBeNull();
    expect(await jrtcMiniapp.getRoomMemberCount()).toEqual({ ...OK, data: { total: 2, broadcasterCount: 1, audienceCount: 1 } });
    await listenerApp.leaveRoom().then(() => listenerApp.destroy());
    await jrtcMiniapp.leaveRoom().then(() => jrtcMiniapp.destroy());
    // Leaving when not in a room answers the same.
    expect(await jrtcMiniapp.leaveRoom()).toEqual({ ...OK, data: '' });
  });

  test('every JRTC event fires with what happened', async () => {
    const init = (openid: string, extra: Record<string, unknown> = {}) => {
      asUser(openid);
      const client = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN, ...extra });
      opened.push(client);
      return client;
    };
    const names = [
      'UserJoinedRoom',
      'UserLeavedRoom',
      'UserModifyRole',
      'StreamPublished',
      'StreamUnpublished',
      'AudioVolumes',
      'GlobalMute',
      'CancelGlobalMute',
      'AssignPeerMute',
      'CancelAssignPeerMute',
      'onError',
    ];
    const ownerApp = init('openid-ev-owner');
    const ownerRoom: Room = await ownerApp.joinRoom(joinParams('ev-1', 'ev-owner', 1, { nickName: 'Owner' }));
    const watcherApp = init('openid-ev-watcher');
    const heard = listen(watcherApp, names);
    const watcherRoom: Room = await watcherApp.joinRoom(joinParams('ev-1', 'ev-watcher', 1));
    const of = (name: string) => heard.filter(([n]) => n === name).map(([, p]) => p);

    await until(() => of('UserJoinedRoom').length === 1, 'the owner on the roster');
    // Someone joins the stage, publishes, steps down (its stream stops), comes back and leaves.
    const guestApp = init('openid-ev-guest');
    await guestApp.joinRoom(joinParams('ev-1', 'ev-guest', 1, { nickName: 'Guest', peerId: 'p-g' }));
    const guest = { userId: 'ev-guest', nickName: 'Guest', roomId: 'ev-1', peerId: 'p-g' };
    await until(() => of('UserJoinedRoom').some((u) => (u as { userId: string }).userId === 'ev-guest'), 'UserJoinedRoom');
    expect(of('UserJoinedRoom')).toEqual([
      { userId: 'ev-owner', nickName: 'Owner', roomId: 'ev-1', role: 1, peerId: 'ev-owner' },
      { ...guest, role: 1 },
    ]);
    const { url: pushUrl } = await guestApp.publish();
    await until(() => of('StreamPublished').length === 1, 'StreamPublished');
    const streamId = pushUrl.split('/').pop()!.split('?')[0];
    expect(of('StreamPublished')).toEqual([{ ...guest, role: 1, streamId, url: expect.stringMatching(rtmp(PULL_DOMAIN)) }]);
    expect((of('StreamPublished')[0] as { url: string }).url).toContain(streamId);

    // Admin mute of the guest, and the room-wide mute, each lifted again.
    await ownerRoom.mute('ev-guest', true);
    await until(() => of('AssignPeerMute').length === 1, 'AssignPeerMute');
    expect(of('AssignPeerMute')).toEqual([{ ...guest, role: 1 }]);
    await ownerRoom.mute('ev-guest', false);
    await until(() => of('CancelAssignPeerMute').length === 1, 'CancelAssignPeerMute');
    expect(of('CancelAssignPeerMute')).toEqual([{ ...guest, role: 1 }]);
    await ownerRoom.muteAll(true);
    await until(() => of('GlobalMute').length === 1, 'GlobalMute');
    expect(of('GlobalMute')).toEqual([{ userId: 'ev-owner', roomId: 'ev-1' }]);
    expect(watcherRoom.allMuted).toBe(true);
    // A member who joins the muted room hears it at once; the guest's audio counts as muted now.
    const lateApp = init('openid-ev-late');
    const lateHeard = listen(lateApp, ['GlobalMute', 'CancelGlobalMute']);
    await lateApp.joinRoom(joinParams('ev-1', 'ev-late', 2));
    expect(lateHeard).toEqual([['GlobalMute', { userId: 'ev-owner', roomId: 'ev-1' }]]);
    const hasAudio = async () => (await watcherApp.getBroadcasterList()).data.map((a) => `${a.userId}:${a.hasAudio}`).sort();
    expect(await hasAudio()).toEqual(['ev-guest:false', 'ev-owner:false', 'ev-watcher:false']);
    await ownerRoom.muteAll(false);
    await until(() => of('CancelGlobalMute').length === 1 && lateHeard.length === 2, 'CancelGlobalMute');
    expect(of('CancelGlobalMute')).toEqual([{ userId: 'ev-owner', roomId: 'ev-1' }]);
    expect(await hasAudio()).toEqual(['ev-guest:true', 'ev-owner:false', 'ev-watcher:false']);

    await guestApp.setRole(2);
    await until(() => of('UserModifyRole').length === 1 && of('StreamUnpublished').length === 1, 'UserModifyRole');
    expect(of('UserModifyRole')).toEqual([{ ...guest, role: 2, previousRole: 1 }]);
    expect(of('StreamUnpublished')).toEqual([{ ...guest, role: 2, streamId }]);
    await guestApp.setRole(1);
    await until(() => of('UserModifyRole').length === 2, 'UserModifyRole back');
    expect(of('UserModifyRole')[1]).toEqual({ ...guest, role: 1, previousRole: 2 });
    await guestApp.leaveRoom().then(() => guestApp.destroy());
    await until(() => of('UserLeavedRoom').length === 1, 'UserLeavedRoom');
    expect(of('UserLeavedRoom')).toEqual([{ ...guest, role: 1 }]);

    // Volumes from the page's <live-pusher> and <live-player> reports.
    const pusher = watcherRoom.createPusherHandlers();
    const player = watcherRoom.createPlayerHandlers('ev-owner');
    player.onAudioVolumeNotify({ detail: { volume: 35 } });
    pusher.onAudioVolumeNotify({ detail: { volume: 60 } });
    await new Promise((r) => setTimeout(r, 600));
    pusher.onAudioVolumeNotify({ detail: { volume: 55 } });
    expect(of('AudioVolumes')).toEqual([
      [{ userId: 'ev-owner', volume: 35 }],
      [
        { userId: 'ev-watcher', volume: 55 },
        { userId: 'ev-owner', volume: 35 },
      ],
    ]);

    // onError: kicked by the owner (JRTC 401, our KICKED).
    await ownerRoom.kick('ev-watcher', 'bye');
    await until(() => of('onError').length > 0, 'onError');
    expect(of('onError')).toEqual([expect.objectContaining({ code: 401, errorCode: 'KICKED' })]);
    expect(watcherApp.room).toBeNull();

    // onError: options that cannot work, reported right after init, and on every call.
    asUser('openid-ev-bad');
    const bad = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: 'rtmp://not-a-host', pullDomain: PULL_DOMAIN });
    const badHeard = listen(bad, ['onError']);
    await Promise.resolve();
    expect(badHeard).toEqual([['onError', expect.objectContaining({ code: 431, errorCode: 'BAD_REQUEST', reason: 'pushDomain is invalid' })]]);
    await expect(bad.getRoomMemberCount()).rejects.toMatchObject({ code: 431, reason: 'pushDomain is invalid' });

    // Every event name has fired.
    const fired = new Set([...heard, ...badHeard].map(([n]) => n));
    expect(names.filter((n) => !fired.has(n))).toEqual([]);
  });

  test('bad input to each call: {code: 431 or 430, reason}, and nothing changes', async () => {
    const double = platformDouble(ctx.platform('openid-bad-in'));
    g.wx = { cloud: double.cloud };
    const app = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN });
    opened.push(app);
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: JRTCFailure) => [e.code, e.errorCode, typeof e.reason === 'string' && e.reason.length > 0]);

    // Before joining: every room call is out of place (430), and nothing reaches the cloud.
    const early: Array<Promise<unknown>> = [app.setRole(1), app.publish(), app.subscribe(), app.getBroadcasterList(), app.getAudienceList(), app.getRoomMemberCount()];
    early.push(app.customSignalToRoom({ customEventName: 'x', data: 1 }), app.customSignalToPeer({ targetUserId: 'y', customData: { customEventName: 'x' } }));
    for (const call of early) expect(await code(call)).toEqual([430, 'INVALID_STATE', true]);
    const good = joinParams('bad-1', 'bad-in', 2, { nickName: 'B' });
    const badJoins: unknown[] = [null, 'x', { ...good, role: 3 }, { ...good, userId: 'a b' }, { ...good, timestamp: undefined }, { ...good, timeStamp: '12x', timestamp: undefined }, { ...good, nickName: undefined, nickname: 7 }];
    for (const info of badJoins) expect(await code(app.joinRoom(info as never))).toEqual([431, 'BAD_REQUEST', true]);
    expect(double.actions).toEqual([]);

    const room = await app.joinRoom(good);
    const peerApp = (() => {
      asUser('openid-bad-peer');
      const c = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN });
      opened.push(c);
      return c;
    })();
    await peerApp.joinRoom(joinParams('bad-1', 'bad-peer', 1));
    const peerHeard = listen(peerApp, ['x', 'ok', 'onError', 'UserJoinedRoom']);
    const counts = await app.getRoomMemberCount();
    const before = double.actions.length;

    const badCalls: Array<[Promise<unknown>, number]> = [
      [app.joinRoom(good), 439],
      [app.setRole(3 as never), 431],
      [app.setRole('1' as never), 431],
      [app.getAudienceList({ pageSize: 0 }), 431],
      [app.getAudienceList({ pageSize: 101 }), 431],
      [app.getAudienceList(null as never), 431],
      [app.getAudienceList({ cursor: 'no spaces' }), 431],
      [app.customSignalToRoom(null as never), 431],
      [app.customSignalToRoom({ customEventName: '' }), 431],
      [app.customSignalToRoom({ customEventName: 'has space', data: 1 }), 431],
      [app.customSignalToRoom({ customEventName: 'UserJoinedRoom', data: 1 }), 431],
      [app.customSignalToRoom({ customEventName: 'jrtc.kicked', data: 1 }), 431],
      [app.customSignalToPeer({ targetUserId: 'a b', customData: { customEventName: 'x' } }), 431],
      [app.customSignalToPeer({ targetUserId: 'bad-peer' } as never), 431],
      [app.customSignalToPeer({ targetUserId: 'bad-peer', customData: { customEventName: 'onError' } }), 431],
    ];
    for (const [call, expected] of badCalls) {
      const [got, , hasReason] = (await code(call)) as [number, string, boolean];
      expect([got, hasReason]).toEqual([expected, true]);
    }
    // None of those cost a cloud call.
    expect(double.actions.slice(before).filter((a) => a !== 'heartbeat')).toEqual([]);

    // The server's refusals of bad input come back the same way and write nothing.
    expect(await code(app.publish())).toEqual([430, 'NOT_ANCHOR', true]);
    expect(await code(app.customSignalToRoom({ customEventName: 'x', data: 'y'.repeat(5000) }))).toEqual([431, 'BAD_REQUEST', true]);
    expect(await code(app.customSignalToPeer({ targetUserId: 'nobody', customData: { customEventName: 'x' } }))).toEqual([503, 'TARGET_NOT_IN_ROOM', true]);

    // Nothing changed: same role, same counts, no signal reached the peer, the room still works.
    expect(room.role).toBe(2);
    expect(await app.getRoomMemberCount()).toEqual(counts);
    // A Room-API signal named like a client event does not pass for it on the JRTC side.
    await room.sendSignal({ type: 'onError', payload: { code: 200 } });
    await room.sendSignal({ type: 'UserJoinedRoom', payload: null });
    await app.customSignalToRoom({ customEventName: 'ok', data: null });
    await until(() => peerHeard.length === 1, 'the good signal');
    expect(peerHeard).toEqual([['ok', { eventName: 'ok', nickName: 'B', userId: 'bad-in', data: null }]]);
    expect(room.state).toBe('connected');
  });
});
