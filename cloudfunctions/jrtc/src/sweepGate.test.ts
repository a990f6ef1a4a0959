import { Collections } from '../../../shared';
import { SweepGate } from './sweepGate';
import { trySweepRoom } from './sweep';
import { APP_ID, codeOf, createTestCloud, joinAs } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

describe('SweepGate', () => {
  it('admits a room once per gap, each room on its own', () => {
    const gate = new SweepGate(1000);
    expect(gate.admit('r1', 10_000)).toBe(true);
    expect(gate.admit('r1', 10_999)).toBe(false);
    expect(gate.admit('r2', 10_999)).toBe(true);
    expect(gate.admit('r1', 11_000)).toBe(true);
    expect(gate.admit('r1', 11_500)).toBe(false);
  });

  it('sweeps at once when the clock went back, and always with a gap of 0', () => {
    const gate = new SweepGate(1000);
    expect(gate.admit('r', 50_000)).toBe(true);
    expect(gate.admit('r', 40_000)).toBe(true);
    const always = new SweepGate(0);
    expect([1, 1, 1].map((t) => always.admit('r', t))).toEqual([true, true, true]);
  });

  it('forgets the oldest room beyond its capacity (which then sweeps again)', () => {
    const gate = new SweepGate(1000, 2);
    gate.admit('a', 0);
    gate.admit('b', 0);
    gate.admit('c', 0);
    expect(gate.admit('b', 1)).toBe(false);
    expect(gate.admit('a', 1)).toBe(true);
  });
});

const ROOM = `${APP_ID}:room-1`;
const OTHER_ROOM = `${APP_ID}:room-2`;

describe('sweeps spaced out by the gate', () => {
  let cloud: TestCloud;
  beforeEach(async () => {
    cloud = await createTestCloud();
  });
  afterEach(async () => {
    await cloud.close();
  });
  const members = async () => (await cloud.snapshot())[Collections.members].map((m) => m.userId);

  it('a sweep within a second of the last one of its room is skipped; the first after the gap removes the ghost', async () => {
    await joinAs(cloud, 'o-g', 'room-1', 'ghost', 2);
    const lease = cloud.config.leaseMs;
    cloud.clock.advance(lease - 500);
    expect(await trySweepRoom(cloud.deps, ROOM)).toBe(0); // not expired yet; the gate remembers it
    cloud.clock.advance(501); // the ghost's lease has run out
    expect(await trySweepRoom(cloud.deps, ROOM)).toBe(0); // within a second of the last sweep: skipped
    expect(await members()).toEqual(['ghost']);
    expect(await trySweepRoom(cloud.deps, OTHER_ROOM)).toBe(0); // another room has its own turn
    cloud.clock.advance(499);
    expect(await trySweepRoom(cloud.deps, ROOM)).toBe(1); // a second after: swept
    expect(await members()).toEqual([]);
  });

  it('actions sweep through the gate: a join right after another leaves an expired ghost to the next call', async () => {
    await joinAs(cloud, 'o-g', 'room-1', 'ghost', 2);
    cloud.clock.advance(cloud.config.leaseMs - 200);
    await joinAs(cloud, 'o-a', 'room-1', 'alice', 2); // sweeps: nothing expired
    cloud.clock.advance(201);
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2); // the ghost expired, but the last sweep was 201 ms ago
    expect(await members()).toEqual(['alice', 'bob', 'ghost']);
    cloud.clock.advance(800);
    await joinAs(cloud, 'o-c', 'room-1', 'carol', 2);
    expect(await members()).toEqual(['alice', 'bob', 'carol']);
  });

  it('the router sweeps the room an action names once it succeeded; a refused call changes nothing', async () => {
    const alice = await joinAs(cloud, 'o-a', 'room-1', 'alice', 1);
    await joinAs(cloud, 'o-g', 'room-1', 'ghost', 2);
    const lease = cloud.config.leaseMs;
    // alice beats; the ghost does not. Past the ghost's lease, a roster read already leaves it out.
    cloud.clock.advance(lease / 2);
    await cloud.ok('o-a', 'heartbeat', alice.session);
    cloud.clock.advance(lease / 2 + 1_001);
    const audience = await cloud.ok('o-a', 'getAudienceList', { ...alice.session, pageSize: 10 });
    expect(audience.members.map((m) => m.userId)).toEqual([]);
    expect(await members()).toEqual(['alice']);

    await cloud.ok('o-a', 'heartbeat', alice.session);
    await joinAs(cloud, 'o-h', 'room-1', 'ghost2', 2);
    cloud.clock.advance(lease / 2);
    await cloud.ok('o-a', 'heartbeat', alice.session);
    cloud.clock.advance(lease / 2 + 1_001);
    // A stranger's call in the room is refused and changes nothing, the expired ghost included.
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('o-x', 'raiseHand', { ...alice.session }))).toBe('IDENTITY_MISMATCH');
    expect(await cloud.snapshot()).toEqual(before);
    // alice's next change succeeds, and the router sweeps after it.
    await cloud.ok('o-a', 'setMuted', { ...alice.session, muted: true });
    expect(await members()).toEqual(['alice']);
  });
});

