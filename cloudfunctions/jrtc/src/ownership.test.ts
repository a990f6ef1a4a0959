import { Collections, ErrorCode, actions } from '../../../shared';
import type { ActionRequest, ActionResponse } from '../../../shared';
import { computeOwnerProof } from '../../../shared/ownerProof';
import type { IssueRequest } from './deps';
import { handle } from './router';
import { APP_ID, APP_KEY, callerOf, codeOf, createTestCloud, joinAs, onlyRoomDoc, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

let cloud: TestCloud;
afterEach(async () => {
  await cloud.close();
});

const ROOM_KEY = `${APP_ID}:class-1`;

/** A token from issueToken for `userId` in class-1, asked for by `openid`. */
function issue(openid: string, userId: string, owner?: boolean): Promise<ActionResponse<'issueToken'>> {
  return cloud.ok(openid, 'issueToken', { appId: APP_ID, userRoomId: 'class-1', userId, ...(owner === undefined ? {} : { owner }) });
}

/** Joins with an issued token; returns the session and the reply. */
async function joinWith(openid: string, token: ActionResponse<'issueToken'>, role: 1 | 2): Promise<{ session: Session; reply: ActionResponse<'joinRoom'> }> {
  const reply = await cloud.ok(openid, 'joinRoom', { ...token, role });
  return { session: { appId: APP_ID, userRoomId: token.userRoomId, userId: token.userId, sessionId: reply.sessionId }, reply };
}

const roomDoc = () => onlyRoomDoc(cloud);

describe('owner grants: issueToken with owner: true', () => {
  beforeEach(async () => {
    // Grants are off by default (JRTC_OWNER_GRANTS=none, issueToken.test.ts): these tests need them on.
    cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'any' });
  });

  it('the policy sees `owner` (false when absent); a refused grant writes nothing', async () => {
    const seen: Array<Pick<IssueRequest, 'userId' | 'owner'>> = [];
    const deps = {
      ...cloud.deps,
      policy: async (request: IssueRequest) => {
        seen.push({ userId: request.userId, owner: request.owner });
        return request.userId === 'teacher' || !request.owner;
      },
    };
    const ask = (userId: string, owner?: boolean) =>
      handle({ action: 'issueToken', appId: APP_ID, userRoomId: 'class-1', userId, owner }, callerOf('openid-x'), deps);
    const before = await cloud.snapshot();
    expect((await ask('student')).ok).toBe(true);
    expect(codeOf(await ask('student', true))).toBe(ErrorCode.POLICY_DENIED);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await ask('teacher', true)).ok).toBe(true);
    expect(seen).toEqual([
      { userId: 'student', owner: false },
      { userId: 'student', owner: true },
      { userId: 'teacher', owner: true },
    ]);
  });

  it('JRTC_ISSUE_POLICY=off refuses owner requests too', async () => {
    await cloud.close();
    cloud = await createTestCloud({ JRTC_ISSUE_POLICY: 'off' });
    expect(codeOf(await cloud.call('openid-t', 'issueToken', { appId: APP_ID, userRoomId: 'class-1', userId: 'teacher', owner: true }))).toBe(
      ErrorCode.POLICY_DENIED,
    );
    expect((await cloud.snapshot())[Collections.users]).toEqual([]);
  });

  it('records the grant on the nonce, made out to the caller; the join that creates the room uses it', async () => {
    const plain = await issue('openid-s', 'student', false);
    expect((await cloud.snapshot())[Collections.users]).toEqual([]);
    const t = await issue('openid-t', 'teacher', true);
    expect(actions.issueToken.response.parse(t)).toEqual(t);
    expect((await cloud.userRecord('teacher'))?.nonces).toEqual([
      { id: `${APP_ID}:${t.nonce}`, openid: 'openid-t', roomKey: ROOM_KEY, expiresAt: t.timestamp, owner: true },
    ]);
    const { reply } = await joinWith('openid-t', t, 1);
    expect(reply.room).toMatchObject({ ownerUserId: 'teacher', version: 1 });
    const record = await cloud.userRecord('teacher');
    expect(record?.nonces).toEqual([expect.objectContaining({ id: `${APP_ID}:${t.nonce}`, owner: false })]);
    // The grant's record binds nothing; the join binds the teacher to its OPENID.
    expect(record).toMatchObject({ openid: 'openid-t' });
    // A plain token joins as before and changes no owner.
    expect((await joinWith('openid-s', plain, 2)).reply.room.ownerUserId).toBe('teacher');
  });

  it('a granted late joiner takes over the room: the owner calls are then its, and NOT_OWNER for the first owner', async () => {
    await cloud.close();
    // Invite-only: the new owner may take the stage on the join that makes it owner.
    cloud = await createTestCloud({ JRTC_DEFAULT_STAGE_POLICY: 'invite', JRTC_OWNER_GRANTS: 'allow:openid-t' });
    const student = (await joinWith('openid-s', await issue('openid-s', 'student'), 2)).session;
    const first = await roomDoc();
    expect(first).toMatchObject({ ownerUserId: 'student', version: 1 });

    const { session: teacher, reply } = await joinWith('openid-t', await issue('openid-t', 'teacher', true), 1);
    // The count moves with the commit and the takeover after it (it cannot be taken back): two versions.
    expect(reply.room).toMatchObject({ ownerUserId: 'teacher', stagePolicy: 'invite', broadcasterCount: 1, audienceCount: 1, version: 3 });
    expect(await roomDoc()).toMatchObject({ ownerUserId: 'teacher', version: 3 });
    expect(reply.member.role).toBe(1);

    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-s', 'promote', { ...student, targetUserId: 'student' }))).toBe(ErrorCode.NOT_OWNER);
    expect(codeOf(await cloud.call('openid-s', 'setStagePolicy', { ...student, policy: 'open' }))).toBe(ErrorCode.NOT_OWNER);
    expect(await cloud.snapshot()).toEqual(before);
    await cloud.ok('openid-t', 'inviteToStage', { ...teacher, targetUserId: 'student' });
    expect((await cloud.ok('openid-t', 'promote', { ...teacher, targetUserId: 'student' })).member.role).toBe(1);
  });

  it('a token without the grant never changes the owner, whoever joins later', async () => {
    await joinAs(cloud, 'openid-s', 'class-1', 'student', 2);
    const teacher = (await joinWith('openid-t', await issue('openid-t', 'teacher'), 1)).session;
    expect(await roomDoc()).toMatchObject({ ownerUserId: 'student' });
    expect(codeOf(await cloud.call('openid-t', 'setStagePolicy', { ...teacher, policy: 'invite' }))).toBe(ErrorCode.NOT_OWNER);
  });

  it('a stolen granted token: TOKEN_REPLAYED for another OPENID, before and after its holder joined; nothing changes', async () => {
    await joinAs(cloud, 'openid-s', 'class-1', 'student', 2);
    const t = await issue('openid-t', 'teacher', true);
    let before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-thief', 'joinRoom', { ...t, role: 1 }))).toBe(ErrorCode.TOKEN_REPLAYED);
    expect(await cloud.snapshot()).toEqual(before);
    await joinWith('openid-t', t, 1);
    before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-thief', 'joinRoom', { ...t, role: 1 }))).toBe(ErrorCode.TOKEN_REPLAYED);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await roomDoc()).ownerUserId).toBe('teacher');
  });

  it('the grant works once: a rejoin with the same token after a transfer keeps the new owner', async () => {
    const t = await issue('openid-t', 'teacher', true);
    const teacher = (await joinWith('openid-t', t, 1)).session;
    await joinAs(cloud, 'openid-a', 'class-1', 'assistant', 1);
    await cloud.ok('openid-t', 'transferOwnership', { ...teacher, targetUserId: 'assistant' });
    // The teacher's app reconnects with the token it joined with (as the SDK's rejoin does).
    expect((await joinWith('openid-t', t, 1)).reply.room.ownerUserId).toBe('assistant');
    // A fresh grant takes the room back.
    expect((await joinWith('openid-t', await issue('openid-t', 'teacher', true), 1)).reply.room.ownerUserId).toBe('teacher');
  });
});

describe("owner proofs: tokens from the deployer's own server", () => {
  beforeEach(async () => {
    cloud = await createTestCloud();
  });

  /** A joinRoom payload as an app server hands it out: a fresh token for class-1 and, unless false, its owner proof. */
  function serverJoin(userId: string, role: 1 | 2, proofFor: Partial<Parameters<typeof computeOwnerProof>[0]> | false = {}): ActionRequest<'joinRoom'> {
    const t = tokenFields(cloud.clock.now(), 'class-1', userId);
    if (proofFor === false) return { ...t, role };
    const params = { appId: t.appId, appKey: APP_KEY, roomId: t.userRoomId, userId: t.userId, nonce: t.nonce, timestamp: t.timestamp };
    return { ...t, role, ownerProof: computeOwnerProof({ ...params, ...proofFor }) };
  }

  async function join(openid: string, payload: ActionRequest<'joinRoom'>): Promise<Session & { reply: ActionResponse<'joinRoom'> }> {
    const reply = await cloud.ok(openid, 'joinRoom', payload);
    return { appId: APP_ID, userRoomId: payload.userRoomId, userId: payload.userId, sessionId: reply.sessionId, reply };
  }

  it('the proven join that creates the room owns it; its nonce records the grant as spent', async () => {
    const payload = serverJoin('teacher', 1);
    const { reply } = await join('openid-t', payload);
    expect(reply.room).toMatchObject({ ownerUserId: 'teacher', version: 1 });
    expect((await cloud.userRecord('teacher'))?.nonces).toEqual([
      { id: `${APP_ID}:${payload.nonce}`, openid: 'openid-t', roomKey: ROOM_KEY, expiresAt: payload.timestamp, owner: false },
    ]);
  });

  it('a proven late joiner takes over the room: owner calls are then its, NOT_OWNER for the creator', async () => {
    const student = await join('openid-s', serverJoin('student', 2, false));
    expect(student.reply.room).toMatchObject({ ownerUserId: 'student', version: 1 });
    const { reply, ...teacher } = await join('openid-t', serverJoin('teacher', 1));
    expect(reply.room).toMatchObject({ ownerUserId: 'teacher', broadcasterCount: 1, audienceCount: 1, version: 3 });
    expect(await roomDoc()).toMatchObject({ ownerUserId: 'teacher', version: 3 });
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-s', 'setStagePolicy', { ...student, policy: 'invite' }))).toBe(ErrorCode.NOT_OWNER);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await cloud.ok('openid-t', 'setStagePolicy', { ...teacher, policy: 'invite' })).room.stagePolicy).toBe('invite');
  });

  it.each<[string, (p: ActionRequest<'joinRoom'>) => string]>([
    ['made with another app key', (p) => computeOwnerProof({ appId: p.appId, appKey: 'secret-key-2', roomId: p.userRoomId, userId: p.userId, nonce: p.nonce, timestamp: p.timestamp })],
    ['keyed with the public nonce', (p) => computeOwnerProof({ appId: p.appId, appKey: p.nonce, roomId: p.userRoomId, userId: p.userId, nonce: p.nonce, timestamp: p.timestamp })],
    ['the token itself', (p) => p.token],
    ['a made-up string of the right shape', () => 'A'.repeat(60)],
  ])('a forged proof (%s): TOKEN_INVALID on create and on takeover, nothing changes', async (_label, forge) => {
    const create = serverJoin('teacher', 1, false);
    let before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-t', 'joinRoom', { ...create, ownerProof: forge(create) }))).toBe(ErrorCode.TOKEN_INVALID);
    expect(await cloud.snapshot()).toEqual(before);
    await join('openid-s', serverJoin('student', 2, false));
    const takeover = serverJoin('teacher', 1, false);
    before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-t', 'joinRoom', { ...takeover, ownerProof: forge(takeover) }))).toBe(ErrorCode.TOKEN_INVALID);
    expect(await cloud.snapshot()).toEqual(before);
    expect((await roomDoc()).ownerUserId).toBe('student');
  });

  it.each<[string, Partial<Parameters<typeof computeOwnerProof>[0]>]>([
    ['another user', { userId: 'student' }],
    ['another room', { roomId: 'class-2' }],
    ['another nonce', { nonce: 'AK-some-other-token' }],
    ['another expiry', { timestamp: Date.UTC(2031, 0, 1) }],
  ])("a genuine proof for %s: TOKEN_INVALID, nothing changes", async (_label, other) => {
    await join('openid-s', serverJoin('student', 2, false));
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-t', 'joinRoom', serverJoin('teacher', 1, other)))).toBe(ErrorCode.TOKEN_INVALID);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it("another OPENID presenting a used token with its proof gets TOKEN_REPLAYED; an expired one TOKEN_EXPIRED", async () => {
    const payload = serverJoin('teacher', 1);
    await join('openid-t', payload);
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-thief', 'joinRoom', payload))).toBe(ErrorCode.TOKEN_REPLAYED);
    cloud.clock.advance(3_600_001);
    expect(codeOf(await cloud.call('openid-t', 'joinRoom', payload))).toBe(ErrorCode.TOKEN_EXPIRED);
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('the proof works on the first join only: a rejoin with the same token and proof after a transfer keeps the new owner', async () => {
    const payload = serverJoin('teacher', 1);
    const teacher = await join('openid-t', payload);
    await joinAs(cloud, 'openid-a', 'class-1', 'assistant', 1);
    await cloud.ok('openid-t', 'transferOwnership', { ...teacher, targetUserId: 'assistant' });
    // The teacher's app reconnects with what it joined with (as the SDK's rejoin does).
    expect((await join('openid-t', payload)).reply.room.ownerUserId).toBe('assistant');
    expect((await roomDoc()).ownerUserId).toBe('assistant');
    // A fresh token and proof from the server takes the room back.
    expect((await join('openid-t', serverJoin('teacher', 1))).reply.room.ownerUserId).toBe('teacher');
  });

  it("a proof added on a token's later join does nothing: the first join decided", async () => {
    await join('openid-s', serverJoin('student', 2, false));
    const proven = serverJoin('teacher', 2);
    const { ownerProof, ...plain } = proven;
    expect(ownerProof).toBeDefined();
    expect((await join('openid-t', plain)).reply.room.ownerUserId).toBe('student');
    expect((await join('openid-t', proven)).reply.room.ownerUserId).toBe('student');
    const entry = ((await cloud.userRecord('teacher'))?.nonces as { id: string }[]).find((n) => n.id === `${APP_ID}:${proven.nonce}`);
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty('owner');
  });
});

describe('transferOwnership', () => {
  let owner: Session;
  let member: Session;

  beforeEach(async () => {
    cloud = await createTestCloud();
    owner = (await joinAs(cloud, 'openid-o', 'class-1', 'olga', 1)).session;
    member = (await joinAs(cloud, 'openid-m', 'class-1', 'max', 2)).session;
  });

  it('makes a member the owner (room version moves); the old owner then gets NOT_OWNER', async () => {
    const version = (await roomDoc()).version as number;
    const reply = await cloud.ok('openid-o', 'transferOwnership', { ...owner, targetUserId: 'max' });
    expect(actions.transferOwnership.response.parse(reply)).toEqual(reply);
    expect(reply.room).toMatchObject({ ownerUserId: 'max', version: version + 1 });
    expect(await roomDoc()).toMatchObject({ ownerUserId: 'max', version: version + 1 });
    expect(codeOf(await cloud.call('openid-o', 'demote', { ...owner, targetUserId: 'olga' }))).toBe(ErrorCode.NOT_OWNER);
    expect(codeOf(await cloud.call('openid-o', 'transferOwnership', { ...owner, targetUserId: 'olga' }))).toBe(ErrorCode.NOT_OWNER);
    expect((await cloud.ok('openid-m', 'promote', { ...member, targetUserId: 'max' })).member.role).toBe(1);
  });

  it('to yourself: success, nothing written', async () => {
    const before = await cloud.snapshot();
    const reply = await cloud.ok('openid-o', 'transferOwnership', { ...owner, targetUserId: 'olga' });
    expect(reply.room.ownerUserId).toBe('olga');
    expect(await cloud.snapshot()).toEqual(before);
  });

  it('NOT_OWNER for a member, TARGET_NOT_IN_ROOM for a stranger or a member who left; nothing changes', async () => {
    await cloud.ok('openid-m', 'leaveRoom', member);
    const before = await cloud.snapshot();
    const code = async (openid: string, session: Session, targetUserId: string) =>
      codeOf(await cloud.call(openid, 'transferOwnership', { ...session, targetUserId }));
    expect(await code('openid-o', owner, 'nobody')).toBe(ErrorCode.TARGET_NOT_IN_ROOM);
    expect(await code('openid-o', owner, 'max')).toBe(ErrorCode.TARGET_NOT_IN_ROOM);
    expect(await cloud.snapshot()).toEqual(before);
    const late = (await joinAs(cloud, 'openid-l', 'class-1', 'lea', 2)).session;
    const withLea = await cloud.snapshot();
    expect(await code('openid-l', late, 'lea')).toBe(ErrorCode.NOT_OWNER);
    expect(await cloud.snapshot()).toEqual(withLea);
    expect((await roomDoc()).ownerUserId).toBe('olga');
  });
});
