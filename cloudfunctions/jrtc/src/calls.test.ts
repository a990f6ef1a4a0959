/** The call flow on the core (real router, real wx-server-sdk database on the local store). */
import { Collections, ErrorCode } from '../../../shared';
import type { CallView, EndReason } from '../../../shared';
import { APP_ID, codeOf, createTestCloud, joinAs, listenAs, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';
import { sweepAll } from './sweep';
import { CallTiming } from '../../../shared/callWords';

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await createTestCloud();
});
afterEach(async () => {
  await cloud.close();
});

type Session = Awaited<ReturnType<typeof joinAs>>['session'];

/** Alice (caller, openid-a) in room `room`, ringing `callees`. */
async function ring(callees: string[], room = 'call-1', ringSeconds?: number): Promise<{ alice: Session; view: CallView }> {
  const { session: alice } = await joinAs(cloud, 'openid-a', room, 'alice', 1);
  const view = (await cloud.ok('openid-a', 'call', { ...alice, callees, ringSeconds })).call;
  return { alice, view };
}

/** The stored view of `userId` in `callId`. */
async function viewDoc(callId: string, userId: string): Promise<Record<string, unknown> | undefined> {
  return (await cloud.snapshot())[Collections.callParties].find((d) => d._id === `${callId}:${userId}`);
}

const party = (callId: string, userId: string) => ({ appId: APP_ID, callId, userId });

/** The reasons of each party, by userId. */
const reasons = (v: CallView): Record<string, EndReason | undefined> => Object.fromEntries(v.parties.map((p) => [p.userId, p.reason]));

test('ring → accept → hang up: the callee gets a token for the room, joins, and a hang-up ends it for both', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { view } = await ring(['bob']);
  expect(view).toMatchObject({ state: 'joined', callState: 'ringing', callerUserId: 'alice', userRoomId: 'call-1' });
  expect(view.parties.map((p) => [p.userId, p.state])).toEqual([['alice', 'joined'], ['bob', 'ringing']]);
  // Bob's view is made out to his OPENID, open (his watch asks for open: true), ringing for 30 s.
  expect(await viewDoc(view.callId, 'bob')).toMatchObject({ _openid: 'openid-b', open: true, state: 'ringing', ringUntil: cloud.clock.now() + 30_000 });

  const accepted = await cloud.ok('openid-b', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-b-1' });
  expect(accepted.call).toMatchObject({ state: 'joined', callState: 'active', answeredBy: 'device-b-1' });
  const bobJoin = await cloud.ok('openid-b', 'joinRoom', { ...accepted.join, role: 1 });
  const bob = { appId: APP_ID, userRoomId: 'call-1', userId: 'bob', sessionId: bobJoin.sessionId };

  cloud.clock.advance(20_000);
  await cloud.ok('openid-b', 'leaveRoom', bob);
  const ended = (await cloud.ok('openid-a', 'getCall', party(view.callId, 'alice'))).call;
  expect(ended).toMatchObject({ state: 'ended', reason: 'hangup', callState: 'ended', open: false, answeredAt: view.createdAt, endedAt: cloud.clock.now() });
  expect(reasons(ended)).toEqual({ alice: 'hangup', bob: 'hangup' });
  // The deployer's record: who, when, how long, why.
  const record = (await cloud.snapshot())[Collections.calls][0];
  expect(record).toMatchObject({ state: 'ended', answeredAt: view.createdAt, endedAt: view.createdAt + 20_000 });
  expect(record.dueAt).toBeUndefined();
});

test('reject: the callee declines, the caller hears rejected', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { view } = await ring(['bob']);
  const rejected = (await cloud.ok('openid-b', 'endCall', party(view.callId, 'bob'))).call;
  expect(rejected).toMatchObject({ state: 'ended', reason: 'rejected', callState: 'ended' });
  expect(await viewDoc(view.callId, 'alice')).toMatchObject({ state: 'ended', reason: 'rejected', open: false });
  // Accepting afterwards is refused with the reason.
  const late = await cloud.call('openid-b', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-b-1' });
  expect(late).toMatchObject({ ok: false, error: { code: ErrorCode.CALL_ENDED, details: { reason: 'rejected' } } });
});

test('cancel: the caller stops ringing, the callee hears canceled; endCall again changes nothing', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { view } = await ring(['bob']);
  const canceled = (await cloud.ok('openid-a', 'endCall', party(view.callId, 'alice'))).call;
  expect(reasons(canceled)).toEqual({ alice: 'canceled', bob: 'canceled' });
  const before = await cloud.snapshot();
  const again = (await cloud.ok('openid-a', 'endCall', party(view.callId, 'alice'))).call;
  expect(again.version).toBe(canceled.version);
  expect(await cloud.snapshot()).toEqual(before);
});

test('busy: a callee already in a call ends busy at once, and so does the one-to-one call', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  await ring(['bob']);
  const { session: carol } = await joinAs(cloud, 'openid-c', 'call-2', 'carol', 1);
  const second = (await cloud.ok('openid-c', 'call', { ...carol, callees: ['bob'] })).call;
  expect(second).toMatchObject({ state: 'ended', reason: 'busy', callState: 'ended' });
  expect(reasons(second)).toEqual({ carol: 'busy', bob: 'busy' });
  // The busy callee is not bothered: its view of the second call is closed from the start.
  expect(await viewDoc(second.callId, 'bob')).toMatchObject({ open: false, reason: 'busy' });
});

test('no answer: after the ring the callee is noAnswer, decided by whichever call looks first, then by the timer', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { view } = await ring(['bob'], 'call-1', 10);
  cloud.clock.advance(10_000);
  expect((await cloud.ok('openid-a', 'getCall', party(view.callId, 'alice'))).call.state).toBe('joined');
  cloud.clock.advance(1);
  const missed = (await cloud.ok('openid-a', 'getCall', party(view.callId, 'alice'))).call;
  expect(reasons(missed)).toEqual({ alice: 'noAnswer', bob: 'noAnswer' });

  // With nobody asking, the timer's housekeeping settles it.
  await listenAs(cloud, 'openid-d', 'dave');
  const { session: carol } = await joinAs(cloud, 'openid-c', 'call-3', 'carol', 1);
  const other = (await cloud.ok('openid-c', 'call', { ...carol, callees: ['dave'] })).call;
  cloud.clock.advance(31_000);
  const stats = await sweepAll(cloud.deps);
  expect(stats.settledCalls).toBe(1);
  expect(await viewDoc(other.callId, 'dave')).toMatchObject({ state: 'ended', reason: 'noAnswer', open: false });
});

test('an ended call is kept 90 days, record and views alike, then the housekeeping deletes it; a call on is never deleted', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  await listenAs(cloud, 'openid-d', 'dave');
  const { view } = await ring(['bob']);
  await cloud.ok('openid-a', 'endCall', party(view.callId, 'alice'));
  const endedAt = cloud.clock.now();
  const { session: carol } = await joinAs(cloud, 'openid-c', 'call-9', 'carol', 1);
  const on = (await cloud.ok('openid-c', 'call', { ...carol, callees: ['dave'], ringSeconds: 120 })).call;
  const purgeAt = endedAt + CallTiming.recordRetentionMs;
  const snap = await cloud.snapshot();
  expect(snap[Collections.calls].find((d) => d._id === view.callId)?.purgeAt).toBe(purgeAt);
  expect(await viewDoc(view.callId, 'bob')).toMatchObject({ purgeAt });
  expect(snap[Collections.calls].find((d) => d._id === on.callId)).not.toHaveProperty('purgeAt');

  cloud.clock.advance(CallTiming.recordRetentionMs - 1);
  expect((await sweepAll(cloud.deps)).removedCallRecords).toBe(0);
  cloud.clock.advance(2);
  // The record and both parties' views; the call still ringing is settled (noAnswer) and kept.
  expect((await sweepAll(cloud.deps)).removedCallRecords).toBe(3);
  const after = await cloud.snapshot();
  expect(after[Collections.calls].map((d) => d._id)).toEqual([on.callId]);
  expect(after[Collections.callParties].every((d) => String(d._id).startsWith(on.callId))).toBe(true);
  expect(codeOf(await cloud.call('openid-b', 'getCall', party(view.callId, 'bob')))).toBe(ErrorCode.CALL_NOT_FOUND);
});

test('offline: a callee never seen, or not listening with no ring template, ends offline', async () => {
  const { view } = await ring(['nobody']);
  expect(reasons(view)).toEqual({ alice: 'offline', nobody: 'offline' });
  await listenAs(cloud, 'openid-b', 'bob');
  cloud.clock.advance(200_000); // past bob's listening lease
  const { session: carol } = await joinAs(cloud, 'openid-c', 'call-2', 'carol', 1);
  expect(reasons((await cloud.ok('openid-c', 'call', { ...carol, callees: ['bob'] })).call)).toEqual({ carol: 'offline', bob: 'offline' });
});

test('networkLost: a party whose phone dies is swept from the room and the other side hears networkLost', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { alice, view } = await ring(['bob']);
  const { join } = await cloud.ok('openid-b', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-b-1' });
  await cloud.ok('openid-b', 'joinRoom', { ...join, role: 1 });
  // Bob's phone dies: Alice keeps heartbeating; Bob's lease runs out and Alice's beat sweeps him.
  for (let i = 0; i < 3; i += 1) {
    cloud.clock.advance(20_000);
    await cloud.ok('openid-a', 'heartbeat', alice);
  }
  const lost = (await cloud.ok('openid-a', 'getCall', party(view.callId, 'alice'))).call;
  expect(reasons(lost)).toEqual({ alice: 'networkLost', bob: 'networkLost' });
});

test('several callees: one answers, one declines, one misses; the call goes on until the last but one leaves', async () => {
  for (const [o, u] of [['openid-b', 'bob'], ['openid-c', 'carol'], ['openid-d', 'dave']]) await listenAs(cloud, o, u);
  const { alice, view } = await ring(['bob', 'carol', 'dave']);
  await cloud.ok('openid-b', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-b-1' });
  await cloud.ok('openid-c', 'endCall', party(view.callId, 'carol'));
  cloud.clock.advance(31_000);
  const going = (await cloud.ok('openid-a', 'getCall', party(view.callId, 'alice'))).call;
  expect(going.parties.map((p) => [p.userId, p.state, p.reason])).toEqual([
    ['alice', 'joined', undefined],
    ['bob', 'joined', undefined],
    ['carol', 'ended', 'rejected'],
    ['dave', 'ended', 'noAnswer'],
  ]);
  // Carol joins the call in progress; Alice leaves; Bob and Carol go on.
  const { join } = await cloud.ok('openid-c', 'acceptCall', { ...party(view.callId, 'carol'), deviceId: 'device-c-1' });
  expect(join).toMatchObject({ userRoomId: 'call-1', userId: 'carol' });
  await cloud.ok('openid-a', 'leaveRoom', alice);
  expect((await cloud.ok('openid-b', 'getCall', party(view.callId, 'bob'))).call).toMatchObject({ callState: 'active', state: 'joined' });
  await cloud.ok('openid-c', 'endCall', party(view.callId, 'carol'));
  expect((await cloud.ok('openid-b', 'getCall', party(view.callId, 'bob'))).call).toMatchObject({ callState: 'ended', reason: 'hangup' });
});

test('nobody reads or acts on another party\'s call: CALL_NOT_FOUND, nothing changes', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { view } = await ring(['bob']);
  const before = await cloud.snapshot();
  for (const action of ['getCall', 'endCall'] as const) {
    expect(codeOf(await cloud.call('openid-x', action, party(view.callId, 'bob')))).toBe(ErrorCode.CALL_NOT_FOUND);
  }
  expect(codeOf(await cloud.call('openid-x', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-x-1' }))).toBe(ErrorCode.CALL_NOT_FOUND);
  expect(codeOf(await cloud.call('openid-b', 'getCall', party('no-such-call', 'bob')))).toBe(ErrorCode.CALL_NOT_FOUND);
  expect(await cloud.snapshot()).toEqual(before);
});

test('listenCalls: only for one\'s own userId, one bound to one, or with a token for it', async () => {
  const before = await cloud.snapshot();
  expect(codeOf(await cloud.call('openid-x', 'listenCalls', { appId: APP_ID, userId: 'bob' }))).toBe(ErrorCode.IDENTITY_MISMATCH);
  expect(await cloud.snapshot()).toEqual(before);
  await listenAs(cloud, 'openid-b', 'bob');
  // Bound now: another WeChat user cannot listen as bob even with a valid token.
  const t = tokenFields(cloud.clock.now(), 'inbox', 'bob');
  const stolen = await cloud.call('openid-x', 'listenCalls', { appId: APP_ID, userId: 'bob', token: { token: t.token, nonce: t.nonce, timestamp: t.timestamp, userRoomId: t.userRoomId } });
  expect(codeOf(stolen)).toBe(ErrorCode.IDENTITY_MISMATCH);
  // Its own derived userId needs nothing.
  const own = await cloud.ok('openid-x', 'listenCalls', { appId: APP_ID });
  expect(own.userId).toMatch(/^wx_/);
  expect(own).toMatchObject({ listeningUntil: cloud.clock.now() + 150_000, ringTemplateIds: [] });
});

test('a token listenCalls took is spent: another caller presenting it, to listen or to join, gets TOKEN_REPLAYED', async () => {
  await cloud.close();
  // Without binding, only the nonce record stands between a leaked token and another phone.
  cloud = await createTestCloud({ JRTC_BIND_USER_TO_OPENID: 'false' });
  const t = tokenFields(cloud.clock.now(), 'inbox', 'bob');
  const token = { token: t.token, nonce: t.nonce, timestamp: t.timestamp, userRoomId: t.userRoomId };
  await cloud.ok('openid-b', 'listenCalls', { appId: APP_ID, userId: 'bob', token });
  // The same phone may renew with it.
  await cloud.ok('openid-b', 'listenCalls', { appId: APP_ID, userId: 'bob', token });
  const before = await cloud.snapshot();
  expect(codeOf(await cloud.call('openid-x', 'listenCalls', { appId: APP_ID, userId: 'bob', token }))).toBe(ErrorCode.TOKEN_REPLAYED);
  expect(codeOf(await cloud.call('openid-x', 'joinRoom', { ...t, role: 2 }))).toBe(ErrorCode.TOKEN_REPLAYED);
  expect(await cloud.snapshot()).toEqual(before);
});

test('a caller in another call cannot ring from a second room', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  await ring(['bob']);
  const { session: second } = await joinAs(cloud, 'openid-a', 'call-2', 'alice', 1);
  const reply = await cloud.call('openid-a', 'call', { ...second, callees: ['bob'] });
  expect(codeOf(reply)).toBe(ErrorCode.IN_ANOTHER_CALL);
});

test('a callee takes the stage of an invite-only room with the token acceptCall made it; that token is its alone', async () => {
  await listenAs(cloud, 'openid-b', 'bob');
  const { alice, view } = await ring(['bob']);
  await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'invite' });
  // Someone who was not rung cannot take the stage.
  const { token, nonce, timestamp } = tokenFields(cloud.clock.now(), 'call-1', 'carol');
  const carol = await cloud.call('openid-c', 'joinRoom', { appId: APP_ID, userRoomId: 'call-1', userId: 'carol', token, nonce, timestamp, role: 1 });
  expect(codeOf(carol)).toBe(ErrorCode.ROLE_FORBIDDEN);
  const { join } = await cloud.ok('openid-b', 'acceptCall', { ...party(view.callId, 'bob'), deviceId: 'device-b-1' });
  expect(codeOf(await cloud.call('openid-x', 'joinRoom', { ...join, role: 1 }))).toBe(ErrorCode.TOKEN_REPLAYED);
  const bob = await cloud.ok('openid-b', 'joinRoom', { ...join, role: 1 });
  expect(bob.member.role).toBe(1);
});
