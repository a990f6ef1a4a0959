import { Collections, ErrorCode, actions } from '../../../shared';
import { codeOf, createTestCloud, joinAs, joinPayload, onlyRoomDoc, ownerProofFor, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let alice: Session; // the owner
let bob: Session;
let carol: Session;

beforeEach(async () => {
  cloud = await createTestCloud();
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 1)).session;
  carol = (await joinAs(cloud, 'openid-c', 'room-1', 'carol', 2)).session;
});
afterEach(async () => {
  await cloud.close();
});

/** The stored room document of room-1. */
const roomDoc = () => onlyRoomDoc(cloud);

describe('muteAll (owner): the room-wide mute', () => {
  it('sets allMuted on the room document and in the reply; members joining later see it', async () => {
    const before = await roomDoc();
    expect('allMuted' in before).toBe(false); // a room never muted has no such field
    cloud.clock.advance(1_000);
    const on = await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true });
    expect(actions.muteAll.response.parse(on)).toEqual(on);
    expect(on.room).toMatchObject({ allMuted: true, ownerUserId: 'alice', version: (before.version as number) + 1 });
    expect(await roomDoc()).toMatchObject({ allMuted: true, version: on.room.version, updatedAt: cloud.clock.now() });

    // A member joining afterwards learns it from its joinRoom reply, before any watch event.
    const dave = (await joinAs(cloud, 'openid-d', 'room-1', 'dave', 2)).reply;
    expect(dave.room.allMuted).toBe(true);
    // So does a member reconnecting (a rejoin that leaves the room document as it was).
    const rejoin = await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 1));
    expect(rejoin.room).toMatchObject({ allMuted: true });
  });

  it("leaves each member's own and admin mute alone, so lifting it restores them", async () => {
    await cloud.ok('openid-b', 'setMuted', { ...bob, muted: true });
    await cloud.ok('openid-a', 'mute', { ...alice, targetUserId: 'carol', muted: true });
    const members = (await cloud.snapshot())[Collections.members];
    await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true });
    // One write to the room document; no member document moves (no watch traffic per member).
    expect((await cloud.snapshot())[Collections.members]).toEqual(members);

    const off = await cloud.ok('openid-a', 'muteAll', { ...alice, muted: false });
    expect(actions.muteAll.response.parse(off)).toEqual(off);
    expect(off.room.allMuted).toBe(false);
    expect(await roomDoc()).toMatchObject({ allMuted: false, version: off.room.version });
    const after = (await cloud.snapshot())[Collections.members];
    expect(after).toEqual(members);
    const streams = Object.fromEntries(after.map((m) => [m.userId, m.stream]));
    expect(streams.bob).toMatchObject({ muted: true, selfMuted: true });
    expect(streams.carol).toMatchObject({ muted: true, adminMuted: true });
    expect(streams.alice).toMatchObject({ muted: false });
  });

  it('an unchanged state writes nothing, muted or not', async () => {
    // Lifting a mute that never held: no write, and the reply keeps the field absent.
    let before = await cloud.snapshot();
    const never = await cloud.ok('openid-a', 'muteAll', { ...alice, muted: false });
    expect('allMuted' in never.room).toBe(false);
    expect(await cloud.snapshot()).toEqual(before);

    const on = await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true });
    before = await cloud.snapshot();
    expect(await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true })).toEqual(on);
    expect(await cloud.snapshot()).toEqual(before);

    const off = await cloud.ok('openid-a', 'muteAll', { ...alice, muted: false });
    before = await cloud.snapshot();
    expect(await cloud.ok('openid-a', 'muteAll', { ...alice, muted: false })).toEqual(off);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('NOT_OWNER for any other member, BAD_REQUEST for bad input; nothing changes', async () => {
    await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true });
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-b', 'muteAll', { ...bob, muted: false }))).toBe(ErrorCode.NOT_OWNER);
    expect(codeOf(await cloud.call('openid-c', 'muteAll', { ...carol, muted: true }))).toBe(ErrorCode.NOT_OWNER);
    for (const muted of [undefined, 'true', 1, null]) {
      expect(codeOf(await cloud.raw('openid-a', { action: 'muteAll', ...alice, muted }))).toBe(ErrorCode.BAD_REQUEST);
    }
    expect(codeOf(await cloud.raw('openid-a', { action: 'muteAll', ...alice, sessionId: 'short', muted: false }))).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('every other write to the room document keeps allMuted', async () => {
    await cloud.ok('openid-a', 'muteAll', { ...alice, muted: true });
    const kept = async (what: string) => expect({ what, room: await roomDoc() }).toEqual({ what, room: expect.objectContaining({ allMuted: true }) });

    // Joins and leaves (counts written by joinRoom and removeMember).
    const dave = (await joinAs(cloud, 'openid-d', 'room-1', 'dave', 2)).session;
    await kept('a new member joined');
    await cloud.ok('openid-d', 'leaveRoom', dave);
    await kept('a member left');
    // Role changes (writeCounts): by the member and by the owner.
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 });
    await kept('setRole');
    await cloud.ok('openid-a', 'demote', { ...alice, targetUserId: 'bob' });
    await kept('demote');
    await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'bob' });
    await kept('kick');
    // setStagePolicy: a plain update, then the removal of the cap, which rewrites the whole document.
    await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'invite', maxAnchors: 3 });
    await kept('setStagePolicy with a cap');
    const uncapped = await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: null });
    expect(uncapped.room).toMatchObject({ allMuted: true });
    expect('maxAnchors' in uncapped.room).toBe(false);
    await kept('setStagePolicy removing the cap');
    // Ownership moves: by transfer, and by a join with an owner proof (a take-over).
    const moved = await cloud.ok('openid-a', 'transferOwnership', { ...alice, targetUserId: 'carol' });
    expect(moved.room).toMatchObject({ ownerUserId: 'carol', allMuted: true });
    await kept('transferOwnership');
    const proven = tokenFields(cloud.clock.now(), 'room-1', 'erin');
    const takeover = await cloud.ok('openid-e', 'joinRoom', { ...proven, role: 1, ownerProof: ownerProofFor(proven) });
    expect(takeover.room).toMatchObject({ ownerUserId: 'erin', allMuted: true });
    await kept('an owner-proof take-over');

    // Only the owner of the moment lifts it: the former owners cannot.
    expect(codeOf(await cloud.call('openid-a', 'muteAll', { ...alice, muted: false }))).toBe(ErrorCode.NOT_OWNER);
    const erin = { ...alice, userId: 'erin', sessionId: takeover.sessionId };
    expect((await cloud.ok('openid-e', 'muteAll', { ...erin, muted: false })).room.allMuted).toBe(false);
  });
});
