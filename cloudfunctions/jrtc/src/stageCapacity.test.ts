/**
 * The stage cap (setStagePolicy's maxAnchors): set, cleared and validated by the owner only; every
 * path that adds an anchor (joinRoom, setRole(1), promote) refused with STAGE_FULL at the cap and
 * nothing changed; the owner exempt; a rejoin keeping its seat allowed; exact under concurrency.
 */
import { ErrorCode, actions } from '../../../shared';
import { codeOf, createTestCloud, joinAs, joinPayload, onlyRoomDoc, roomCounts } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
let alice: Session; // the owner, an anchor
let bob: Session; // an anchor
let carol: Session; // audience
let dave: Session; // audience

beforeEach(async () => {
  cloud = await createTestCloud();
  alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 1)).session;
  carol = (await joinAs(cloud, 'openid-c', 'room-1', 'carol', 2)).session;
  dave = (await joinAs(cloud, 'openid-d', 'room-1', 'dave', 2)).session;
});
afterEach(async () => {
  await cloud.close();
});

/** The stored room document. */
const roomDoc = () => onlyRoomDoc(cloud);

/** Anchors and audience as stored on the room, and as counted from the member documents. */
const counts = () => roomCounts(cloud);

/** Sets the cap (and keeps the policy open). */
async function cap(maxAnchors: number | null): Promise<void> {
  await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors });
}

describe('setStagePolicy with maxAnchors', () => {
  it('sets the cap on the room document and in the reply; the same cap writes nothing; null removes it', async () => {
    const reply = await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: 3 });
    expect(actions.setStagePolicy.response.parse(reply)).toEqual(reply);
    expect(reply.room).toMatchObject({ stagePolicy: 'open', maxAnchors: 3 });
    expect(await roomDoc()).toMatchObject({ maxAnchors: 3, version: reply.room.version });

    const before = await cloud.snapshot();
    expect(await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: 3 })).toEqual(reply);
    expect(await cloud.snapshot()).toEqual(before);

    const cleared = await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: null });
    expect(cleared.room).not.toHaveProperty('maxAnchors');
    expect(cleared.room.version).toBe(reply.room.version + 1);
    // Absent, not a stored null: the documented shape of "no cap".
    expect(await roomDoc()).not.toHaveProperty('maxAnchors');
  });

  it('an absent maxAnchors keeps the cap while the policy changes', async () => {
    await cap(4);
    const reply = await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'invite' });
    expect(reply.room).toMatchObject({ stagePolicy: 'invite', maxAnchors: 4 });
    expect(await roomDoc()).toMatchObject({ stagePolicy: 'invite', maxAnchors: 4 });
  });

  it.each<[string, unknown]>([
    ['0', 0],
    ['101', 101],
    ['1.5', 1.5],
    ['-1', -1],
    ['a string', '3'],
    ['NaN', Number.NaN],
    ['a boolean', true],
    ['an object', { $gt: 0 }],
  ])('answers BAD_REQUEST for maxAnchors %s, and changes nothing', async (_label, maxAnchors) => {
    const before = await cloud.snapshot();
    const reply = await cloud.raw('openid-a', { action: 'setStagePolicy', ...alice, policy: 'open', maxAnchors });
    expect(codeOf(reply)).toBe(ErrorCode.BAD_REQUEST);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('accepts the edges 1 and 100', async () => {
    expect((await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: 1 })).room.maxAnchors).toBe(1);
    expect((await cloud.ok('openid-a', 'setStagePolicy', { ...alice, policy: 'open', maxAnchors: 100 })).room.maxAnchors).toBe(100);
  });

  it('answers NOT_OWNER for anyone but the owner, setting or clearing, and changes nothing', async () => {
    await cap(2);
    const before = await cloud.snapshot();
    for (const maxAnchors of [5, null]) {
      const reply = await cloud.call('openid-b', 'setStagePolicy', { ...bob, policy: 'open', maxAnchors });
      expect(codeOf(reply)).toBe(ErrorCode.NOT_OWNER);
    }
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('a cap below the current number of anchors removes nobody; it only blocks new anchors', async () => {
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 });
    await cap(1);
    expect(await counts()).toEqual({ stored: [3, 1], actual: [3, 1] });
    expect(codeOf(await cloud.call('openid-d', 'setRole', { ...dave, role: 1 }))).toBe(ErrorCode.STAGE_FULL);
    // Two step down: still at the cap (1 anchor left), so no one else comes up...
    await cloud.ok('openid-b', 'setRole', { ...bob, role: 2 });
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 2 });
    expect(codeOf(await cloud.call('openid-d', 'setRole', { ...dave, role: 1 }))).toBe(ErrorCode.STAGE_FULL);
    // ...until the cap is raised.
    await cap(2);
    expect((await cloud.ok('openid-d', 'setRole', { ...dave, role: 1 })).member.role).toBe(1);
    expect(await counts()).toEqual({ stored: [2, 2], actual: [2, 2] });
  });
});

describe('every path that adds an anchor is refused at the cap, changing nothing', () => {
  beforeEach(() => cap(2)); // alice and bob: full

  it('setRole(1)', async () => {
    const before = await cloud.snapshot();
    const reply = await cloud.call('openid-c', 'setRole', { ...carol, role: 1 });
    expect(reply).toEqual({ ok: false, error: { code: ErrorCode.STAGE_FULL, message: expect.any(String), details: { maxAnchors: 2 } } });
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('promote', async () => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-a', 'promote', { ...alice, targetUserId: 'carol' }))).toBe(ErrorCode.STAGE_FULL);
    expect(await cloud.snapshot()).toEqual(before);
    // An invitation adds no anchor: it goes through, and the invited member's setRole(1) is what the cap refuses.
    await cloud.ok('openid-a', 'inviteToStage', { ...alice, targetUserId: 'carol' });
    expect(codeOf(await cloud.call('openid-c', 'setRole', { ...carol, role: 1 }))).toBe(ErrorCode.STAGE_FULL);
  });

  it('joinRoom as an anchor: a new member, and an audience member rejoining as an anchor', async () => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-e', 'joinRoom', joinPayload(cloud, 'room-1', 'erin', 1)))).toBe(ErrorCode.STAGE_FULL);
    expect(codeOf(await cloud.call('openid-c', 'joinRoom', joinPayload(cloud, 'room-1', 'carol', 1)))).toBe(ErrorCode.STAGE_FULL);
    expect(await cloud.snapshot()).toEqual(before);
    // Joining as audience is not limited.
    await cloud.ok('openid-e', 'joinRoom', joinPayload(cloud, 'room-1', 'erin', 2));
    expect(await counts()).toEqual({ stored: [2, 3], actual: [2, 3] });
  });

  it('a rejoin of an existing anchor keeps its seat', async () => {
    const rejoin = await cloud.ok('openid-b', 'joinRoom', joinPayload(cloud, 'room-1', 'bob', 1));
    expect(rejoin.member.role).toBe(1);
    expect(await counts()).toEqual({ stored: [2, 2], actual: [2, 2] });
  });

  it('the owner is exempt: it takes the stage even one over the cap', async () => {
    await cloud.ok('openid-a', 'setRole', { ...alice, role: 2 });
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 }); // bob and carol: full again
    expect((await cloud.ok('openid-a', 'setRole', { ...alice, role: 1 })).member.role).toBe(1);
    expect(await counts()).toEqual({ stored: [3, 1], actual: [3, 1] });
    // Also by rejoining as an anchor after stepping down.
    await cloud.ok('openid-a', 'setRole', { ...alice, role: 2 });
    expect((await cloud.ok('openid-a', 'joinRoom', joinPayload(cloud, 'room-1', 'alice', 1))).member.role).toBe(1);
    expect(await counts()).toEqual({ stored: [3, 1], actual: [3, 1] });
  });

  it('the owner may promote itself at the cap', async () => {
    await cloud.ok('openid-a', 'setRole', { ...alice, role: 2 });
    await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 });
    const up = await cloud.ok('openid-a', 'promote', { ...alice, targetUserId: 'alice' });
    expect(up.member.role).toBe(1);
    expect(await counts()).toEqual({ stored: [3, 1], actual: [3, 1] });
  });

  it('a seat freed by stepping down can be taken', async () => {
    await cloud.ok('openid-b', 'setRole', { ...bob, role: 2 });
    expect((await cloud.ok('openid-c', 'setRole', { ...carol, role: 1 })).member.role).toBe(1);
    expect(codeOf(await cloud.call('openid-d', 'setRole', { ...dave, role: 1 }))).toBe(ErrorCode.STAGE_FULL);
  });
});

describe('the cap under concurrency', () => {
  it('two setRole(1) racing for the last seat: exactly one wins, the other answers STAGE_FULL', async () => {
    await cap(3);
    const replies = await Promise.all([
      cloud.call('openid-c', 'setRole', { ...carol, role: 1 }),
      cloud.call('openid-d', 'setRole', { ...dave, role: 1 }),
    ]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.map(codeOf).filter((c) => c !== undefined)).toEqual([ErrorCode.STAGE_FULL]);
    expect(await counts()).toEqual({ stored: [3, 1], actual: [3, 1] });
  });

  it('many joins, setRole(1) and promotions racing for two seats fill exactly two', async () => {
    await cap(4);
    const others: Session[] = [];
    for (let i = 0; i < 6; i += 1) others.push((await joinAs(cloud, `openid-u${i}`, 'room-1', `u${i}`, 2)).session);
    const replies = await Promise.all([
      ...others.slice(0, 3).map((s, i) => cloud.call(`openid-u${i}`, 'setRole', { ...s, role: 1 })),
      ...others.slice(3).map((s) => cloud.call('openid-a', 'promote', { ...alice, targetUserId: s.userId })),
      cloud.call('openid-c', 'joinRoom', joinPayload(cloud, 'room-1', 'carol', 1)),
      cloud.call('openid-n', 'joinRoom', joinPayload(cloud, 'room-1', 'newcomer', 1)),
    ]);
    expect(replies.filter((r) => r.ok)).toHaveLength(2);
    expect(new Set(replies.filter((r) => !r.ok).map(codeOf))).toEqual(new Set([ErrorCode.STAGE_FULL]));
    const c = await counts();
    expect(c.stored).toEqual(c.actual);
    expect(c.actual[0]).toBe(4);
  });
});
