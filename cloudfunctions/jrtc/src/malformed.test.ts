import fc from 'fast-check';
import { ErrorCode, actions, isErrorCode } from '../../../shared';
import type { ActionName } from '../../../shared';
import { APP_ID, codeOf, createTestCloud, joinAs, joinPayload, listenAs, ownerProofFor, tokenFields } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

/** The renewToken fields of a token. */
function pick(t: ReturnType<typeof tokenFields>): { token: string; nonce: string; timestamp: number } {
  return { token: t.token, nonce: t.nonce, timestamp: t.timestamp };
}

let cloud: TestCloud;
let valid: Record<ActionName, Record<string, unknown>>;

beforeAll(async () => {
  cloud = await createTestCloud();
  const { session } = await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1);
  const join = joinPayload(cloud, 'room-1', 'alice', 1);
  await listenAs(cloud, 'openid-b', 'bob');
  const { callId } = (await cloud.ok('openid-a', 'call', { ...session, callees: ['bob'] })).call;
  const party = { appId: APP_ID, callId, userId: 'bob' };
  valid = {
    issueToken: { appId: APP_ID, userRoomId: 'room-1', userId: 'alice', ttlSeconds: 600, owner: true },
    joinRoom: { ...join, peerId: 'p1', nickName: 'Alice', ownerProof: ownerProofFor(join) },
    leaveRoom: session,
    setRole: { ...session, role: 2 },
    publish: { ...session, pushDomain: 'push.example.com' },
    unpublish: session,
    subscribe: { ...session, userIds: ['alice'], pullDomain: 'play.example.com' },
    heartbeat: session,
    getBroadcasterList: session,
    getAudienceList: { ...session, cursor: 'a', pageSize: 5 },
    getRoomMemberCount: session,
    // With the optional cap, so each wrong value is tried on maxAnchors too (a number and null are valid there).
    setStagePolicy: { ...session, policy: 'invite', maxAnchors: 6 },
    inviteToStage: { ...session, targetUserId: 'bob' },
    promote: { ...session, targetUserId: 'bob' },
    demote: { ...session, targetUserId: 'bob' },
    raiseHand: session,
    lowerHand: session,
    kick: { ...session, targetUserId: 'bob', reason: 'spam' },
    mute: { ...session, targetUserId: 'bob', muted: true },
    setMuted: { ...session, muted: true },
    sendSignal: { ...session, toUserId: 'bob', type: 'chat.text', payload: { text: 'hi' } },
    renewToken: { ...session, ...pick(tokenFields(cloud.clock.now(), 'room-1', 'alice')) },
    transferOwnership: { ...session, targetUserId: 'bob' },
    muteAll: { ...session, muted: true },
    listenCalls: { appId: APP_ID, userId: 'bob', nickName: 'Bob', off: false },
    call: { ...session, callees: ['bob'], data: { subject: 'x' }, ringSeconds: 20 },
    acceptCall: { ...party, deviceId: 'device-bob-1' },
    endCall: party,
    getCall: party,
  };
});
afterAll(async () => {
  await cloud.close();
});

const LONG = 'x'.repeat(10_000);
const wrongValues: Array<[string, unknown]> = [
  ['a 10,000-character string', LONG],
  ['a number', 42],
  ['null', null],
  ['a query operator object', { $gt: '' }],
  ['an array', ['a']],
  ['a boolean', true],
  ['an empty string', ''],
  ['a huge number', 1e308],
];

const names = Object.keys(actions) as ActionName[];

/** Calls and checks the typed error and that no collection changed. */
async function expectBadAndUnchanged(event: Record<string, unknown>, code: string = ErrorCode.BAD_REQUEST): Promise<void> {
  const before = await cloud.snapshot();
  const reply = await cloud.raw('openid-a', event);
  expect({ event: Object.keys(event), code: codeOf(reply) }).toEqual({ event: Object.keys(event), code });
  if (!reply.ok) expect(JSON.stringify(reply).length).toBeLessThan(2_000);
  expect(await cloud.snapshot()).toEqual(before);
}

describe('joinRoom with a bad owner proof', () => {
  it.each<[string, (proof: string) => string]>([
    ['one character changed', (p) => (p[0] === 'A' ? 'B' : 'A') + p.slice(1)],
    ['cut short', (p) => p.slice(0, -1)],
    ['of another app key', () => ownerProofFor(valid.joinRoom as Parameters<typeof ownerProofFor>[0], 'secret-key-2')],
    ['at the length limit', () => 'x'.repeat(128)],
  ])('answers TOKEN_INVALID for a proof %s, and changes nothing', async (_label, edit) => {
    await expectBadAndUnchanged({ action: 'joinRoom', ...valid.joinRoom, ownerProof: edit(valid.joinRoom.ownerProof as string) }, ErrorCode.TOKEN_INVALID);
  });

  it('answers BAD_REQUEST for a proof over the length limit', async () => {
    await expectBadAndUnchanged({ action: 'joinRoom', ...valid.joinRoom, ownerProof: 'x'.repeat(129) });
  });
});

describe.each(names)('%s with malformed payloads', (action) => {
  it('the valid payload used as the base is accepted by the schema', () => {
    expect(actions[action].request.safeParse(valid[action]).success).toBe(true);
  });

  it('answers BAD_REQUEST for an empty payload', async () => {
    await expectBadAndUnchanged({ action });
  });

  it('answers BAD_REQUEST when any required field is missing', async () => {
    const shape = actions[action].request.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    for (const field of Object.keys(valid[action])) {
      if (shape[field].safeParse(undefined).success) continue; // optional
      const { [field]: _dropped, ...rest } = valid[action];
      await expectBadAndUnchanged({ action, ...rest });
    }
  });

  it.each(wrongValues)('answers BAD_REQUEST when any field is %s', async (_label, value) => {
    let tested = 0;
    for (const field of Object.keys(valid[action])) {
      const payload = { ...valid[action], [field]: value };
      // Some values are valid for some fields (an empty nickName, a timestamp of 42): not malformed.
      if (actions[action].request.safeParse(payload).success) continue;
      await expectBadAndUnchanged({ action, ...payload });
      tested += 1;
    }
    expect(tested).toBeGreaterThan(0);
  });

  it('answers UNKNOWN_ACTION for a near-miss action name', async () => {
    await expectBadAndUnchanged({ ...valid[action], action: `${action}X` }, ErrorCode.UNKNOWN_ACTION);
    await expectBadAndUnchanged({ ...valid[action], action: action.toLowerCase() === action ? `${action}_` : action.toLowerCase() }, ErrorCode.UNKNOWN_ACTION);
  });

  it('never crashes on arbitrary payloads: the reply is an envelope with a known code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), async (payload) => {
        const reply = await cloud.raw('openid-a', { ...payload, action });
        return reply.ok === true || isErrorCode(reply.error.code);
      }),
      { numRuns: 40 },
    );
  });
});
