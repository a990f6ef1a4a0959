import { Collections, ErrorCode, Limits, actions, signalSchema } from '../../../shared';
import { RuleEngine } from '../../../emulator/rules/rules';
import { databaseDefinition, securityRules } from '../../../shared/database';
import type { StoredDoc } from '../../../emulator/store/store';
import { sweepAll } from './sweep';
import { codeOf, createTestCloud, joinAs, joinPayload, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

const rules = new RuleEngine(securityRules(databaseDefinition));

let cloud: TestCloud;
let alice: Session;
let bob: Session;

beforeEach(async () => {
  cloud = await createTestCloud();
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
  await joinAs(cloud, 'openid-c', 'room-1', 'carol', 2);
});
afterEach(async () => {
  await cloud.close();
});

async function signals(): Promise<StoredDoc[]> {
  return (await cloud.snapshot())[Collections.signals];
}

describe('sendSignal', () => {
  it('writes a room-wide signal everyone may read, with no OPENID in it', async () => {
    const sent = await cloud.ok('openid-a', 'sendSignal', { ...alice, type: 'quiz.start', payload: { q: 1, 'a.b': [true], $x: null } });
    expect(actions.sendSignal.response.parse(sent)).toEqual(sent);
    expect(sent).toMatchObject({ seq: 1, createdAt: cloud.clock.now(), expiresAt: cloud.clock.now() + 60_000 });
    const [doc] = await signals();
    expect(doc).toEqual({
      _id: sent.signalId,
      roomKey: 'app-1:room-1',
      to: '*',
      from: 'alice',
      // alice joined without a nickName: the stamp says so rather than leaving the field out.
      fromNickName: '',
      type: 'quiz.start',
      payloadJson: JSON.stringify({ q: 1, 'a.b': [true], $x: null }),
      seq: 1,
      createdAt: sent.createdAt,
      expiresAt: sent.expiresAt,
    });
    expect(JSON.stringify(doc)).not.toMatch(/openid|sessionId/i);
    for (const openid of ['openid-a', 'openid-b', 'openid-c', 'openid-stranger']) {
      expect(rules.canRead(Collections.signals, doc, { openid }, cloud.clock.now())).toBe(true);
    }
    expect(rules.canWrite('create', Collections.signals, null, doc, { openid: 'openid-a' }, cloud.clock.now())).toBe(false);
    expect(rules.canWrite('delete', Collections.signals, doc, null, { openid: 'openid-a' }, cloud.clock.now())).toBe(false);
  });

  it('writes a peer signal only its recipient may read; the sender’s OPENID is nowhere', async () => {
    await cloud.ok('openid-a', 'sendSignal', { ...alice, type: 'x', payload: 0 });
    const sent = await cloud.ok('openid-a', 'sendSignal', { ...alice, toUserId: 'bob', type: 'whisper', payload: 'hi' });
    expect(sent.seq).toBe(2);
    const doc = (await signals()).find((d) => d._id === sent.signalId) as StoredDoc;
    expect(doc).toMatchObject({ to: 'bob', from: 'alice', _openid: 'openid-b', payloadJson: '"hi"' });
    expect(JSON.stringify(doc)).not.toContain('openid-a');
    expect(rules.canRead(Collections.signals, doc, { openid: 'openid-b' }, cloud.clock.now())).toBe(true);
    for (const openid of ['openid-a', 'openid-c', 'openid-stranger']) {
      expect(rules.canRead(Collections.signals, doc, { openid }, cloud.clock.now())).toBe(false);
    }
    // Another member's reply numbers its own signals.
    expect((await cloud.ok('openid-b', 'sendSignal', { ...bob, toUserId: 'alice', type: 'whisper', payload: 'yo' })).seq).toBe(1);
  });

  it('TARGET_NOT_IN_ROOM for a recipient without a live session; nothing is written', async () => {
    const before = await cloud.snapshot();
    const reply = await cloud.call('openid-a', 'sendSignal', { ...alice, toUserId: 'nobody', type: 'x', payload: 1 });
    expect(codeOf(reply)).toBe(ErrorCode.TARGET_NOT_IN_ROOM);
    cloud.clock.advance(35_000);
    await cloud.ok('openid-a', 'heartbeat', alice);
    cloud.clock.advance(6_000); // bob's lease ran out; not yet swept
    expect(codeOf(await cloud.call('openid-a', 'sendSignal', { ...alice, toUserId: 'bob', type: 'x', payload: 1 }))).toBe(
      ErrorCode.TARGET_NOT_IN_ROOM,
    );
    expect((await cloud.snapshot())[Collections.signals]).toEqual(before[Collections.signals]);
  });

  it('accepts a payload of exactly the limit and refuses one byte more (UTF-8), reserved and odd types', async () => {
    // JSON.stringify of a string adds two quotes; 'é' is two bytes in UTF-8.
    const fits = 'é'.repeat((Limits.signalPayloadMaxBytes - 2) / 2);
    await cloud.ok('openid-a', 'sendSignal', { ...alice, type: 'big', payload: fits });
    const before = await cloud.snapshot();
    const bad = async (patch: Record<string, unknown>) =>
      codeOf(await cloud.raw('openid-a', { action: 'sendSignal', ...alice, type: 'ok', payload: 1, ...patch }));
    expect(await bad({ payload: `${fits}e` })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ payload: { text: '😀'.repeat(1024) } })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ type: 'jrtc.kicked' })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ type: 'has space' })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ type: 'x'.repeat(33) })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ toUserId: '*' })).toBe(ErrorCode.BAD_REQUEST);
    expect(await bad({ payload: undefined })).toBe(ErrorCode.BAD_REQUEST);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('the sweep deletes signals after their 60 s', async () => {
    await cloud.ok('openid-a', 'sendSignal', { ...alice, type: 'a', payload: 1 });
    cloud.clock.advance(30_000);
    await cloud.ok('openid-a', 'sendSignal', { ...alice, toUserId: 'bob', type: 'b', payload: 2 });
    cloud.clock.advance(30_001);
    expect((await sweepAll(cloud.deps)).removedSignals).toBe(1);
    expect((await signals()).map((s) => s.type)).toEqual(['b']);
    cloud.clock.advance(30_000);
    expect((await sweepAll(cloud.deps)).removedSignals).toBe(1);
    expect(await signals()).toEqual([]);
  });
});

describe("the sender's nickName (fromNickName)", () => {
  /** The stored presence record of `userId` in room-1. */
  async function presenceOf(userId: string): Promise<StoredDoc> {
    return (await cloud.snapshot())[Collections.presence].find((p) => p.userId === userId) as StoredDoc;
  }

  it('is stamped from the session, on room-wide and peer signals, and cannot be forged', async () => {
    const tina = { ...alice, userId: 'tina', sessionId: (await cloud.ok('openid-t', 'joinRoom', joinPayload(cloud, 'room-1', 'tina', 2, { nickName: 'Ms T' }))).sessionId };
    expect(await presenceOf('tina')).toMatchObject({ nickName: 'Ms T' });
    const room = await cloud.ok('openid-t', 'sendSignal', { ...tina, type: 'chat', payload: 'hello' });
    const peer = await cloud.ok('openid-t', 'sendSignal', { ...tina, toUserId: 'bob', type: 'dm', payload: 'hi' });
    // A request naming another sender's nickName: the router's schema drops the unknown field.
    const forged = await cloud.raw('openid-t', { action: 'sendSignal', ...tina, type: 'chat', payload: 1, fromNickName: 'Mr X' });
    expect(forged.ok).toBe(true);
    const stored = await signals();
    expect(stored.map((d) => [d._id, d.from, d.fromNickName])).toEqual(
      expect.arrayContaining([
        [room.signalId, 'tina', 'Ms T'],
        [peer.signalId, 'tina', 'Ms T'],
      ]),
    );
    expect(stored.map((d) => d.fromNickName)).toEqual(['Ms T', 'Ms T', 'Ms T']);
    // The field is part of the public signal shape: a client's parse keeps it.
    for (const doc of stored) expect(signalSchema.parse(doc).fromNickName).toBe('Ms T');
  });

  it("survives heartbeats and renewals, a rejoin without a nickName keeps it, a new one replaces it", async () => {
    const join = async (extra: { nickName?: string }) =>
      (await cloud.ok('openid-t', 'joinRoom', joinPayload(cloud, 'room-1', 'tina', 2, extra))).sessionId;
    const tina = { ...alice, userId: 'tina', sessionId: await join({ nickName: 'Ms T' }) };
    cloud.clock.advance(10_000);
    await cloud.ok('openid-t', 'heartbeat', tina);
    const renewal = tokenFields(cloud.clock.now(), 'room-1', 'tina', { ttlMs: 7_200_000 });
    await cloud.ok('openid-t', 'renewToken', { ...tina, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp });
    expect(await presenceOf('tina')).toMatchObject({ nickName: 'Ms T', tokenExpiresAt: renewal.timestamp });
    await cloud.ok('openid-t', 'sendSignal', { ...tina, type: 'a', payload: 1 });
    expect(await presenceOf('tina')).toMatchObject({ nickName: 'Ms T', signalSeq: 1 });

    // A reconnect that names no nickName keeps the member's (as the member document does).
    const again = { ...tina, sessionId: await join({}) };
    expect(await presenceOf('tina')).toMatchObject({ nickName: 'Ms T' });
    await cloud.ok('openid-t', 'sendSignal', { ...again, type: 'b', payload: 2 });
    const renamed = { ...tina, sessionId: await join({ nickName: 'Dr T' }) };
    await cloud.ok('openid-t', 'sendSignal', { ...renamed, type: 'c', payload: 3 });
    const byType = Object.fromEntries((await signals()).map((d) => [d.type, d.fromNickName]));
    expect(byType).toEqual({ a: 'Ms T', b: 'Ms T', c: 'Dr T' });
  });

  it("system signals (invited, kicked) carry the owner's nickName", async () => {
    // The owner reconnects with a nickName (a rejoin keeps the room).
    const owner = { ...alice, sessionId: (await cloud.ok('openid-a', 'joinRoom', joinPayload(cloud, 'room-1', 'alice', 1, { nickName: 'Teacher' }))).sessionId };
    await cloud.ok('openid-a', 'inviteToStage', { ...owner, targetUserId: 'bob' });
    await cloud.ok('openid-a', 'kick', { ...owner, targetUserId: 'carol' });
    const system = (await signals()).map((d) => ({ type: d.type, to: d.to, from: d.from, fromNickName: d.fromNickName }));
    expect(system).toEqual(
      expect.arrayContaining([
        { type: 'jrtc.invited', to: 'bob', from: 'alice', fromNickName: 'Teacher' },
        { type: 'jrtc.kicked', to: 'carol', from: 'alice', fromNickName: 'Teacher' },
      ]),
    );
    expect(system).toHaveLength(2);
  });

  it('is left out for a session whose presence predates the field (and such signals still parse)', async () => {
    const { nickName: _dropped, _id: id, ...legacy } = await presenceOf('bob');
    await cloud.store.put(Collections.presence, id, legacy);
    const sent = await cloud.ok('openid-b', 'sendSignal', { ...bob, type: 'old', payload: null });
    const doc = (await signals()).find((d) => d._id === sent.signalId) as StoredDoc;
    expect(doc).toMatchObject({ from: 'bob', type: 'old' });
    expect('fromNickName' in doc).toBe(false);
    expect(signalSchema.parse(doc).fromNickName).toBeUndefined();
  });
});
