import { Collections, ErrorCode, actions } from '../../../shared';
import type { ActionName } from '../../../shared';
import { codeOf, createTestCloud, joinAs, joinPayload, roomCounts } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let alice: Session; // the owner
let bob: Session;
let carol: Session;

async function setup(env: Record<string, string> = {}): Promise<void> {
  cloud = await createTestCloud(env);
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
  carol = (await joinAs(cloud, 'openid-c', 'room-1', 'carol', 2)).session;
}

afterEach(async () => {
  await cloud.close();
});

/** Anchors and audience as stored on the room, and as counted from the member documents. */
const counts = () => roomCounts(cloud);

describe('owner actions refuse everyone but the owner, and unknown targets', () => {
  beforeEach(() => setup());

  const ownerCalls: Array<[ActionName, Record<string, unknown>]> = [
    ['setStagePolicy', { policy: 'invite' }],
    ['inviteToStage', { targetUserId: 'carol' }],
    ['promote', { targetUserId: 'carol' }],
    ['demote', { targetUserId: 'alice' }],
    ['kick', { targetUserId: 'carol', reason: 'x' }],
    ['mute', { targetUserId: 'carol', muted: true }],
    ['transferOwnership', { targetUserId: 'carol' }],
    ['muteAll', { muted: true }],
  ];

  it.each(ownerCalls)('%s: NOT_OWNER for a member, TARGET_NOT_IN_ROOM for a stranger; nothing changes', async (action, extra) => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.raw('openid-b', { action, ...bob, ...extra }))).toBe(ErrorCode.NOT_OWNER);
    if ('targetUserId' in extra) {
      const reply = await cloud.raw('openid-a', { action, ...alice, ...extra, targetUserId: 'nobody' });
      expect(codeOf(reply)).toBe(ErrorCode.TARGET_NOT_IN_ROOM);
    }
    expect(await cloud.snapshot()).toEqual(before);
  });

  const sessionCalls: Array<[ActionName, Record<string, unknown>]> = [
    ...ownerCalls,
    ['raiseHand', {}],
    ['lowerHand', {}],
    ['setMuted', { muted: true }],
    ['sendSignal', { type: 'ping', payload: 1 }],
  ];

  it.each(sessionCalls)('%s: NOT_IN_ROOM / SESSION_REPLACED / IDENTITY_MISMATCH; nothing changes', async (action, extra) => {
    const before = await cloud.snapshot();
    const code = async (openid: string, session: Session) => codeOf(await cloud.raw(openid, { action, ...session, ...extra }));
    expect(await code('openid-a', { ...alice, userRoomId: 'room-2' })).toBe(ErrorCode.NOT_IN_ROOM);
    expect(await code('openid-a', { ...alice, sessionId: 'not-the-session' })).toBe(ErrorCode.SESSION_REPLACED);
    expect(await code('openid-evil', alice)).toBe(ErrorCode.IDENTITY_MISMATCH);
    expect(await cloud.snapshot()).toEqual(before);
  });
});

describe('setStagePolicy', () => {
  beforeEach(() => setup());

  it('switches the policy on the room document; the same policy writes nothing', async () => {
    const reply = await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'invite' });
    expect(actions.setStagePolicy.response.parse(reply)).toEqual(reply);
    expect(reply.room).toMatchObject({ stagePolicy: 'invite', ownerUserId: 'alice', version: 4 });
    const before = await cloud.snapshot();
    expect(await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'invite' })).toEqual(reply);
    expect(await cloud.snapshot()).toEqual(before);
    // Now the stage is by invitation: a member can no longer take it by itself.
    expect(codeOf(await cloud.call('openid-b', 'setRole', { ...bob, role: 1 }))).toBe(ErrorCode.ROLE_FORBIDDEN);
    await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open' });
    expect((await cloud.ok('openid-b', 'setRole', { ...bob, role: 1 })).member.role).toBe(1);
  });
});

describe('invitations, promotion and demotion in an invite-only room', () => {
  beforeEach(() => setup({ JRTC_DEFAULT_STAGE_POLICY: 'invite' }));

  it('inviteToStage lets the invited member setRole(1), and only it; the invitation is signalled to it', async () => {
    expect(codeOf(await cloud.call('openid-b', 'setRole', { ...bob, role: 1 }))).toBe(ErrorCode.ROLE_FORBIDDEN);
    const invited = await cloud.ok('openid-a', 'inviteToStage', { ...alice, targetUserId: 'bob' });
    expect(actions.inviteToStage.response.parse(invited)).toEqual(invited);
    expect(invited.member).toMatchObject({ userId: 'bob', role: 2, invited: true, version: 2 });
    const signals = (await cloud.snapshot())[Collections.signals];
    expect(signals).toEqual([
      expect.objectContaining({ to: 'bob', from: 'alice', type: 'jrtc.invited', payloadJson: 'null', _openid: 'openid-b' }),
    ]);

    expect(codeOf(await cloud.call('openid-c', 'setRole', { ...carol, role: 1 }))).toBe(ErrorCode.ROLE_FORBIDDEN);
    const up = await cloud.ok('openid-b', 'setRole', { ...bob, role: 1 });
    expect(up.member).toMatchObject({ role: 1, invited: true });
    expect(await counts()).toEqual({ stored: [2, 1], actual: [2, 1] });

    // A repeated invitation changes no member document but reminds the member.
    const members = (await cloud.snapshot())[Collections.members];
    await cloud.ok('openid-a', 'inviteToStage', { ...alice, targetUserId: 'bob' });
    const after = await cloud.snapshot();
    expect(after[Collections.members]).toEqual(members);
    expect(after[Collections.signals]).toHaveLength(2);
  });

  it('promote puts the target on stage at once, lowers its hand, and a rejoin keeps the stage', async () => {
    await cloud.ok('openid-c', 'raiseHand', carol);
    const up = await cloud.ok('openid-a', 'promote', { ...alice, targetUserId: 'carol' });
    expect(actions.promote.response.parse(up)).toEqual(up);
    expect(up.member).toMatchObject({ role: 1, invited: true, handRaised: false });
    expect(await counts()).toEqual({ stored: [2, 1], actual: [2, 1] });
    const before = await cloud.snapshot();
    expect((await cloud.ok('openid-a', 'promote', { ...alice, targetUserId: 'carol' })).member).toEqual(up.member);
    expect(await cloud.snapshot()).toEqual(before);

    // Carol reconnects as an anchor (the SDK rejoins with the role it had); bob, never invited, cannot.
    const rejoin = await cloud.ok('openid-c', 'joinRoom', joinPayload(cloud, 'room-1', 'carol', 1));
    expect(rejoin.member.role).toBe(1);
    const bobAsAnchor = await cloud.call('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 1));
    expect(codeOf(bobAsAnchor)).toBe(ErrorCode.ROLE_FORBIDDEN);
    expect(await counts()).toEqual({ stored: [2, 1], actual: [2, 1] });
  });

  it('demote stops the stream, withdraws the invitation and moves the counts', async () => {
    await cloud.ok('openid-a', 'promote', { ...alice, targetUserId: 'bob' });
    await cloud.ok('openid-b', 'publish', bob);
    const down = await cloud.ok('openid-a', 'demote', { ...alice, targetUserId: 'bob' });
    expect(actions.demote.response.parse(down)).toEqual(down);
    expect(down.member).toMatchObject({ role: 2, invited: false, stream: { publishing: false } });
    expect(await counts()).toEqual({ stored: [1, 2], actual: [1, 2] });
    expect(codeOf(await cloud.call('openid-b', 'setRole', { ...bob, role: 1 }))).toBe(ErrorCode.ROLE_FORBIDDEN);
    const before = await cloud.snapshot();
    expect((await cloud.ok('openid-a', 'demote', { ...alice, targetUserId: 'bob' })).member).toEqual(down.member);
    expect(await cloud.snapshot()).toEqual(before);
    // Demoting an invited audience member withdraws the invitation only.
    await cloud.ok('openid-a', 'inviteToStage', { ...alice, targetUserId: 'carol' });
    expect((await cloud.ok('openid-a', 'demote', { ...alice, targetUserId: 'carol' })).member).toMatchObject({ role: 2, invited: false });
    expect(await counts()).toEqual({ stored: [1, 2], actual: [1, 2] });
  });

  it('counts stay exact under concurrent promotions, demotions, role changes and leaves', async () => {
    const others: Session[] = [];
    for (let i = 0; i < 8; i += 1) others.push((await joinAs(cloud, `openid-u${i}`, 'room-1', `u${i}`, 2)).session);
    await Promise.all([
      ...others.slice(0, 4).map((s) => cloud.ok('openid-a', 'promote', { ...alice, targetUserId: s.userId })),
      cloud.ok('openid-a', 'promote', { ...alice, targetUserId: 'bob' }),
      cloud.ok('openid-a', 'demote', { ...alice, targetUserId: 'bob' }),
      cloud.ok('openid-a', 'inviteToStage', { ...alice, targetUserId: 'u5' }).then(() =>
        cloud.ok('openid-u5', 'setRole', { ...others[5], role: 1 }),
      ),
      cloud.ok('openid-u6', 'leaveRoom', others[6]),
      cloud.ok('openid-c', 'raiseHand', carol),
    ]);
    const c = await counts();
    expect(c.stored).toEqual(c.actual);
    expect(c.actual[0]).toBeGreaterThanOrEqual(6);
    expect(c.actual[0] + c.actual[1]).toBe(10);
  });
});
