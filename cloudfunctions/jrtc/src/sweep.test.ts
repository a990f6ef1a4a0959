import { Collections } from '../../../shared';
import { CALL_RECORDS_EVERY_MS, COUNT_SETTLE_MS, HOUSEKEEPING_EVERY_MS, HousekeepingSchedule, RecountMemory, reconcileCounts, sweepAll, sweepRoom } from './sweep';
import { APP_ID, codeOf, createTestCloud, joinAs, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await createTestCloud();
});
afterEach(async () => {
  await cloud.close();
});

const ROOM = `${APP_ID}:room-1`;

describe('sweepRoom', () => {
  it('removes only members whose lease ran out, with their presence and counts', async () => {
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2);
    await joinAs(cloud, 'o-c', 'room-1', 'carol', 2);
    cloud.clock.advance(30_000);
    await cloud.ok('o-a', 'heartbeat', alice);
    cloud.clock.advance(10_000);
    expect(await sweepRoom(cloud.deps, ROOM)).toBe(0); // exactly at the lease: not yet
    cloud.clock.advance(1);
    expect(await sweepRoom(cloud.deps, ROOM)).toBe(2);
    const snap = await cloud.snapshot();
    expect(snap[Collections.members].map((m) => m.userId)).toEqual(['alice']);
    expect(snap[Collections.presence].map((m) => m.userId)).toEqual(['alice']);
    expect(snap[Collections.rooms][0]).toMatchObject({ broadcasterCount: 1, audienceCount: 0 });
    expect(await sweepRoom(cloud.deps, ROOM)).toBe(0);
  });

  it('respects its limit', async () => {
    for (const u of ['a', 'b', 'c', 'd', 'e']) await joinAs(cloud, `o-${u}`, 'room-1', u, 2);
    cloud.clock.advance(40_001);
    expect(await sweepRoom(cloud.deps, ROOM, 2)).toBe(2);
    expect(await sweepRoom(cloud.deps, ROOM, 2)).toBe(2);
    expect(await sweepRoom(cloud.deps, ROOM, 2)).toBe(1);
  });

  it('leaves a member that rejoined after the lease ran out (same seat, new session)', async () => {
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 1);
    cloud.clock.advance(40_001);
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 1);
    expect(await sweepRoom(cloud.deps, ROOM)).toBe(0);
    expect((await cloud.snapshot())[Collections.members]).toHaveLength(1);
  });

  it('runs from every action that touches the room: a ghost goes within lease + one call', async () => {
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2);
    cloud.clock.advance(35_000);
    await cloud.ok('o-a', 'heartbeat', alice);
    cloud.clock.advance(5_001);
    expect(await cloud.ok('o-a', 'getRoomMemberCount', alice)).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });
    expect((await cloud.snapshot())[Collections.members].map((m) => m.userId)).toEqual(['alice']);
  });

  it('a swept member must rejoin', async () => {
    const bob = (await joinAs(cloud, 'o-b', 'room-1', 'bob', 2)).session;
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 2);
    cloud.clock.advance(40_001);
    await sweepRoom(cloud.deps, ROOM);
    expect(codeOf(await cloud.call('o-b', 'heartbeat', bob))).toBe('NOT_IN_ROOM');
  });
});

describe('reconcileCounts: a function killed between its commit and its increment', () => {
  const roomDoc = async (): Promise<Record<string, unknown>> =>
    (await cloud.deps.db.collection(Collections.rooms).doc(ROOM).get()).data as Record<string, unknown>;
  /** What a killed join leaves: its member committed, the room's increment never sent. */
  const loseAnIncrement = async (): Promise<void> => {
    await cloud.deps.db.collection(Collections.rooms).doc(ROOM).update({ data: { audienceCount: cloud.deps.db.command.inc(-1) } });
  };

  it('recounts a dirty room from its members once the recount has stood COUNT_SETTLE_MS, then it is clean', async () => {
    const memory = new RecountMemory();
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2);
    await loseAnIncrement();
    expect(await roomDoc()).toMatchObject({ broadcasterCount: 1, audienceCount: 0, countsDirty: true });
    // getRoomMemberCount counts members: exact even now.
    expect(await cloud.ok('o-a', 'getRoomMemberCount', alice)).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
    expect(await reconcileCounts(cloud.deps, memory)).toBe(0); // counted, not written yet
    cloud.clock.advance(COUNT_SETTLE_MS - 1);
    expect(await reconcileCounts(cloud.deps, memory)).toBe(0);
    cloud.clock.advance(1);
    expect(await reconcileCounts(cloud.deps, memory)).toBe(1);
    expect(await roomDoc()).toMatchObject({ broadcasterCount: 1, audienceCount: 1, countsDirty: false });
    // Nothing dirty is left: the next run does nothing.
    cloud.clock.advance(COUNT_SETTLE_MS);
    expect(await reconcileCounts(cloud.deps, memory)).toBe(0);
    expect(memory.rooms.size).toBe(0);
  });

  it('never undoes an increment that landed after the count: the room stays dirty and is counted again', async () => {
    const memory = new RecountMemory();
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 1);
    await loseAnIncrement();
    await reconcileCounts(cloud.deps, memory); // counts alice only
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2); // its increment moves the version
    cloud.clock.advance(COUNT_SETTLE_MS);
    expect(await reconcileCounts(cloud.deps, memory)).toBe(0);
    expect(await roomDoc()).toMatchObject({ broadcasterCount: 1, audienceCount: 0, countsDirty: true });
    cloud.clock.advance(COUNT_SETTLE_MS);
    expect(await reconcileCounts(cloud.deps, memory)).toBe(1);
    expect(await roomDoc()).toMatchObject({ broadcasterCount: 1, audienceCount: 1, countsDirty: false });
  });
});

describe('housekeeping: purges and recounts every few minutes, ghosts every run', () => {
  it('is due on an instance\'s first run, then every HOUSEKEEPING_EVERY_MS, and while a recount waits for its second run', () => {
    const schedule = new HousekeepingSchedule();
    const memory = new RecountMemory();
    expect(schedule.due(0, memory)).toBe(true);
    expect(schedule.due(60_000, memory)).toBe(false);
    expect(schedule.due(HOUSEKEEPING_EVERY_MS - 1, memory)).toBe(false);
    expect(schedule.due(HOUSEKEEPING_EVERY_MS, memory)).toBe(true);
    memory.rooms.set('r', { version: 1, counts: { broadcasterCount: 0, audienceCount: 0 }, at: 0 });
    expect(schedule.due(HOUSEKEEPING_EVERY_MS + 60_000, memory)).toBe(true);
  });

  it('deletes old call records on an instance\'s first housekeeping, then at most every CALL_RECORDS_EVERY_MS', () => {
    const schedule = new HousekeepingSchedule();
    expect(schedule.callRecordsDue(0)).toBe(true);
    expect(schedule.callRecordsDue(HOUSEKEEPING_EVERY_MS)).toBe(false);
    expect(schedule.callRecordsDue(CALL_RECORDS_EVERY_MS - 1)).toBe(false);
    expect(schedule.callRecordsDue(CALL_RECORDS_EVERY_MS)).toBe(true);
  });

  it('a run without housekeeping removes ghosts and touches nothing else', async () => {
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 2);
    const signal = { _id: 'old', roomKey: ROOM, to: '*', expiresAt: 0 };
    await cloud.deps.db.collection(Collections.signals).add({ data: signal });
    cloud.clock.advance(40_001);
    expect(await sweepAll(cloud.deps, { housekeeping: false })).toEqual({ removedMembers: 1, removedUsers: 0, removedSignals: 0, recountedRooms: 0, settledCalls: 0, removedCallRecords: 0 });
    expect((await cloud.snapshot())[Collections.signals]).toHaveLength(1);
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedSignals: 1 });
  });
});

describe('sweepAll', () => {
  it('sweeps every room in batches; user records that bind an OPENID stay', async () => {
    for (let i = 0; i < 120; i += 1) await joinAs(cloud, `o-${i}`, `room-${i % 7}`, `u${i}`, i % 3 === 0 ? 1 : 2);
    const live = (await joinAs(cloud, 'o-live', 'room-0', 'live', 2)).session;
    cloud.clock.advance(39_000);
    await cloud.ok('o-live', 'heartbeat', live);
    cloud.clock.advance(1_001);

    const oneBatch = await sweepAll(cloud.deps, { maxBatches: 1 });
    expect(oneBatch).toEqual({ removedMembers: 100, removedUsers: 0, removedSignals: 0, recountedRooms: 0, settledCalls: 0, removedCallRecords: 0 });
    expect(await sweepAll(cloud.deps)).toEqual({ removedMembers: 20, removedUsers: 0, removedSignals: 0, recountedRooms: 0, settledCalls: 0, removedCallRecords: 0 });

    const snap = await cloud.snapshot();
    expect(snap[Collections.members].map((m) => m.userId)).toEqual(['live']);
    for (const room of snap[Collections.rooms]) {
      expect([room.broadcasterCount, room.audienceCount]).toEqual(room.userRoomId === 'room-0' ? [0, 1] : [0, 0]);
    }

    cloud.clock.advance(3_600_000); // every token (1 h) has expired now
    expect(await sweepAll(cloud.deps)).toEqual({ removedMembers: 1, removedUsers: 0, removedSignals: 0, recountedRooms: 0, settledCalls: 0, removedCallRecords: 0 });
    expect((await cloud.snapshot())[Collections.users]).toHaveLength(121);
  });

  it('with binding off, purges the user records once their tokens have expired', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_BIND_USER_TO_OPENID: 'false' });
    for (let i = 0; i < 30; i += 1) await joinAs(cloud, `o-${i}`, 'room-0', `u${i}`, 2);
    cloud.clock.advance(1_800_000);
    const late = { ...tokenFields(cloud.clock.now(), 'room-0', 'late', { ttlMs: 7_200_000 }), role: 2 as const };
    await cloud.ok('o-late', 'joinRoom', late);
    cloud.clock.advance(1_800_001); // the first 30 tokens (1 h) have expired, the late one (2 h) has not
    // (The late join swept some of the 30 ghosts itself, so only the user records are counted here.)
    expect(await sweepAll(cloud.deps)).toMatchObject({ removedUsers: 30, removedSignals: 0 });
    expect((await cloud.snapshot())[Collections.users]).toEqual([expect.objectContaining({ _id: `${APP_ID}:late` })]);
  });
});
