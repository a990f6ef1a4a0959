import { Collections, ErrorCode, actions } from '../../../shared';
import { codeOf, createTestCloud, joinAs } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let alice: Session; // the owner
let bob: Session;

beforeEach(async () => {
  cloud = await createTestCloud();
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 1)).session;
});
afterEach(async () => {
  await cloud.close();
});

describe('raiseHand / lowerHand', () => {
  it('set handRaised on the public member document; unchanged hands write nothing', async () => {
    await cloud.ok('openid-b', 'setRole', { ...bob, role: 2 });
    const up = await cloud.ok('openid-b', 'raiseHand', bob);
    expect(actions.raiseHand.response.parse(up)).toEqual(up);
    expect(up.member).toMatchObject({ userId: 'bob', handRaised: true, version: 3 });
    const stored = (await cloud.snapshot())[Collections.members].find((m) => m.userId === 'bob');
    expect(stored).toMatchObject({ handRaised: true });

    const before = await cloud.snapshot();
    expect((await cloud.ok('openid-b', 'raiseHand', bob)).member).toEqual(up.member);
    expect(await cloud.snapshot()).toEqual(before);

    const down = await cloud.ok('openid-b', 'lowerHand', bob);
    expect(actions.lowerHand.response.parse(down)).toEqual(down);
    expect(down.member).toMatchObject({ handRaised: false, version: 4 });

    // Taking the stage lowers a raised hand.
    await cloud.ok('openid-b', 'raiseHand', bob);
    expect((await cloud.ok('openid-b', 'setRole', { ...bob, role: 1 })).member).toMatchObject({ role: 1, handRaised: false });
  });
});

describe('mute (owner) and setMuted (self)', () => {
  it('the owner mutes an anchor; the anchor cannot lift it, and keeps publishing', async () => {
    await cloud.ok('openid-b', 'publish', bob);
    const muted = await cloud.ok('openid-a', 'mute', { ...alice, targetUserId: 'bob', muted: true });
    expect(actions.mute.response.parse(muted)).toEqual(muted);
    expect(muted.member.stream).toMatchObject({ publishing: true, muted: true, adminMuted: true, selfMuted: false });

    const self = await cloud.ok('openid-b', 'setMuted', { ...bob, muted: false });
    expect(actions.setMuted.response.parse(self)).toEqual(self);
    expect(self.member.stream).toMatchObject({ muted: true, adminMuted: true, selfMuted: false });
    expect(self.member.version).toBe(muted.member.version); // nothing changed

    // A muted anchor's publish still works.
    const pub = await cloud.ok('openid-b', 'publish', bob);
    expect(pub.member.stream).toMatchObject({ publishing: true, muted: true });

    // The member mutes itself too; the owner's unmute leaves its own mute in place.
    await cloud.ok('openid-b', 'setMuted', { ...bob, muted: true });
    const unmuted = await cloud.ok('openid-a', 'mute', { ...alice, targetUserId: 'bob', muted: false });
    expect(unmuted.member.stream).toMatchObject({ muted: true, adminMuted: false, selfMuted: true });
    const open = await cloud.ok('openid-b', 'setMuted', { ...bob, muted: false });
    expect(open.member.stream).toMatchObject({ muted: false, adminMuted: false, selfMuted: false });
  });

  it('setMuted alone toggles muted; repeating it writes nothing', async () => {
    const on = await cloud.ok('openid-b', 'setMuted', { ...bob, muted: true });
    expect(on.member.stream).toMatchObject({ muted: true, selfMuted: true, adminMuted: false });
    const before = await cloud.snapshot();
    await cloud.ok('openid-b', 'setMuted', { ...bob, muted: true });
    expect(await cloud.snapshot()).toEqual(before);
    // The owner may mute itself too (its own member).
    expect((await cloud.ok('openid-a', 'mute', { ...alice, targetUserId: 'alice', muted: true })).member.stream.muted).toBe(true);
  });

  it('only the owner mutes others', async () => {
    expect(codeOf(await cloud.call('openid-b', 'mute', { ...bob, targetUserId: 'alice', muted: true }))).toBe(ErrorCode.NOT_OWNER);
  });
});
