/**
 * Room control through the public API against a real local cloud: stage policy and invitations,
 * promote / demote, raised hands, mutes, signals, kicks and token renewal, each with the events it
 * causes on the other clients.
 */
import { ErrorCode } from '../../miniprogram/lib/src/index';
import type { ReceivedSignal, Room } from '../../miniprogram/lib/src/index';
import { EventLog, joinParams, setupSdkTest } from './localCloud';
import type { SdkTestContext } from './localCloud';
import { ManualTimers } from './manualTimers';
import { platformDouble } from './platformDouble';

let ctx: SdkTestContext;

beforeAll(async () => {
  ctx = await setupSdkTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

async function join(roomId: string, userId: string, role: 1 | 2): Promise<Room> {
  return (await ctx.client(userId)).joinRoom(joinParams(roomId, userId, role));
}

/** Records what `room` hears beyond EventLog's events. */
function listen(room: Room) {
  const heard: string[] = [];
  const signals: ReceivedSignal[] = [];
  room.on('handRaised', (m) => heard.push(`handRaised:${m.userId}`));
  room.on('handLowered', (m) => heard.push(`handLowered:${m.userId}`));
  room.on('invited', () => heard.push('invited'));
  room.on('kicked', (reason) => heard.push(`kicked:${String(reason)}`));
  room.on('signal', (s) => signals.push(s));
  return { heard, signals };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('room control', () => {
  test('invite-only stage: a raised hand reaches the owner, who invites; the student then takes the stage', async () => {
    const teacher = await join('ctl-1', 'ctl-t', 1);
    const theard = listen(teacher);
    const student = await join('ctl-1', 'ctl-s', 2);
    const sheard = listen(student);

    await expect(student.setStagePolicy('invite')).rejects.toMatchObject({ code: ErrorCode.NOT_OWNER });
    expect(await teacher.setStagePolicy('invite')).toMatchObject({ stagePolicy: 'invite' });
    await expect(student.setRole(1)).rejects.toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });

    await student.raiseHand();
    await until(() => theard.heard.includes('handRaised:ctl-s'), 'the raised hand');
    expect(teacher.raisedHands.map((m) => m.userId)).toEqual(['ctl-s']);
    await student.lowerHand();
    await until(() => theard.heard.includes('handLowered:ctl-s'), 'the lowered hand');
    await student.raiseHand();
    await until(() => theard.heard.filter((h) => h === 'handRaised:ctl-s').length === 2, 'the hand again');

    await teacher.inviteToStage('ctl-s');
    await until(() => sheard.heard.includes('invited'), 'the invitation');
    expect(await student.setRole(1)).toMatchObject({ role: 1 });
    expect(student.role).toBe(1);
    // Taking the stage lowers the hand.
    await until(() => theard.heard.filter((h) => h.startsWith('hand')).length === 4, 'the hand to go down');
    expect(theard.heard).toEqual(['handRaised:ctl-s', 'handLowered:ctl-s', 'handRaised:ctl-s', 'handLowered:ctl-s']);
    expect(sheard.heard).toEqual(['invited']);
    expect(teacher.raisedHands).toEqual([]);
    await expect(teacher.inviteToStage('nobody')).rejects.toMatchObject({ code: ErrorCode.TARGET_NOT_IN_ROOM });
  });

  test('promote and demote move a member on and off the stage; admin and own mutes', async () => {
    const host = await join('ctl-2', 'ctl-h', 1);
    const hlog = new EventLog(host);
    const guest = await join('ctl-2', 'ctl-g', 2);
    const glog = new EventLog(guest);
    expect(await host.promote('ctl-g')).toMatchObject({ userId: 'ctl-g', role: 1 });
    await hlog.waitFor('roleChanged', (m) => m.userId === 'ctl-g' && m.role === 1);
    await glog.waitFor('roleChanged', (m) => m.userId === 'ctl-g' && m.role === 1);
    expect(guest.role).toBe(1);
    await expect(guest.promote('ctl-h')).rejects.toMatchObject({ code: ErrorCode.NOT_OWNER });

    expect((await host.mute('ctl-g', true)).stream).toMatchObject({ muted: true, adminMuted: true });
    expect((await guest.setMuted(false)).stream).toMatchObject({ muted: true });
    expect((await host.mute('ctl-g', false)).stream).toMatchObject({ muted: false });
    await until(() => host.members.some((m) => m.userId === 'ctl-g' && m.version > 1 && !m.stream.muted), 'the unmute on the roster');

    expect(await host.demote('ctl-g')).toMatchObject({ role: 2 });
    await glog.waitFor('roleChanged', (m) => m.userId === 'ctl-g' && m.role === 2);
    expect(guest.role).toBe(2);
    expect(host.members.map((m) => m.userId)).toEqual(['ctl-h']);
  });

  test('signals reach the room or one member, each once, never the sender', async () => {
    const a = await join('ctl-3', 'ctl-a', 1);
    const b = await join('ctl-3', 'ctl-b', 2);
    const c = await join('ctl-3', 'ctl-c', 2);
    const [ha, hb, hc] = [listen(a), listen(b), listen(c)];
    // Let every signal watch deliver its first snapshot (signals before it are history).
    await new Promise((r) => setTimeout(r, 200));
    await a.sendSignal({ type: 'quiz', payload: { q: 1, text: '选 A' } });
    await b.sendSignal({ type: 'whisper', payload: 'hi', toUserId: 'ctl-c' });
    await until(() => hb.signals.length === 1 && hc.signals.length === 2, 'the signals');
    await new Promise((r) => setTimeout(r, 200));
    expect(ha.signals).toEqual([]);
    expect(hb.signals).toEqual([{ from: 'ctl-a', type: 'quiz', payload: { q: 1, text: '选 A' }, direct: false }]);
    expect(hc.signals).toEqual([
      { from: 'ctl-a', type: 'quiz', payload: { q: 1, text: '选 A' }, direct: false },
      { from: 'ctl-b', type: 'whisper', payload: 'hi', direct: true },
    ]);
    await expect(a.sendSignal({ type: 'jrtc.kicked', payload: null })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(a.sendSignal({ type: 'x', payload: 1, toUserId: 'ghost' })).rejects.toMatchObject({ code: ErrorCode.TARGET_NOT_IN_ROOM });
  });

  test('a kick reaches the member at once: disconnected with KICKED and kicked(reason), once; it cannot rejoin', async () => {
    const owner = await join('ctl-4', 'ctl-o', 1);
    const olog = new EventLog(owner);
    const client = await ctx.client('ctl-k');
    const params = joinParams('ctl-4', 'ctl-k', 1);
    const victim = await client.joinRoom(params);
    const vlog = new EventLog(victim);
    const vheard = listen(victim);
    await olog.waitFor('memberJoined', (m) => m.userId === 'ctl-k');
    await new Promise((r) => setTimeout(r, 200));

    await expect(owner.kick('ctl-k', 'spam')).resolves.toMatchObject({ userId: 'ctl-k' });
    await vlog.waitFor('connectionStateChanged', (s) => s === 'disconnected');
    await olog.waitFor('memberLeft', (m) => m.userId === 'ctl-k');
    await expect(victim.raiseHand()).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    expect(vlog.all('connectionStateChanged')).toEqual([['disconnected', ErrorCode.KICKED]]);
    expect(vheard.heard).toEqual(['kicked:spam']);
    expect(client.room).toBeNull();
    const again = await client.joinRoom(params).catch((e: { code: string }) => e.code);
    expect([ErrorCode.KICKED, ErrorCode.TOKEN_REVOKED]).toContain(again);
  });

  test('a kick the watch could not deliver ends the room at the next call, with kicked(reason) once', async () => {
    const owner = await join('ctl-6', 'ctl-o6', 1);
    const double = platformDouble(ctx.platform('openid-ctl-k6'));
    const victim = await (await ctx.client('ctl-k6', { cloud: double.cloud })).joinRoom(joinParams('ctl-6', 'ctl-k6', 2));
    const vlog = new EventLog(victim);
    const vheard = listen(victim);
    double.breakWatches();
    await owner.kick('ctl-k6', 'rude');
    await expect(victim.raiseHand()).rejects.toMatchObject({ code: ErrorCode.KICKED });
    await expect(victim.lowerHand()).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    double.release();
    await new Promise((r) => setTimeout(r, 100));
    expect(vlog.all('connectionStateChanged').pop()).toEqual(['disconnected', ErrorCode.KICKED]);
    expect(vheard.heard).toEqual(['kicked:rude']);
  });

  test('tokenWillExpire follows renewToken and the server, and a rejoin would use the fresh token', async () => {
    const timers = new ManualTimers(Date.now());
    const client = await ctx.client('ctl-r', { timers, tokenWillExpireLeadMs: 60_000, callTimeoutMs: 24 * 3600_000 });
    const first = timers.now() + 10 * 60_000;
    const room = await client.joinRoom(joinParams('ctl-5', 'ctl-r', 2, { timestamp: first }));
    const log = new EventLog(room);
    const fresh = joinParams('ctl-5', 'ctl-r', 2, { timestamp: timers.now() + 60 * 60_000 });
    expect(await room.renewToken({ token: fresh.token, nonce: fresh.nonce, timestamp: fresh.timestamp })).toBe(fresh.timestamp);
    await timers.advance(9 * 60_000);
    expect(log.all('tokenWillExpire')).toEqual([]);
    await timers.advance(50 * 60_000);
    expect(log.all('tokenWillExpire')).toEqual([[fresh.timestamp]]);
    const bad = await room.renewToken({ token: fresh.token.slice(0, -4) + 'AAAA', nonce: 'n2', timestamp: fresh.timestamp }).catch((e: { code: string }) => e.code);
    expect(bad).toBe(ErrorCode.TOKEN_INVALID);
  });
});
