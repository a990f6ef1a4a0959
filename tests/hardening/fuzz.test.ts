/**
 * Property-based fuzzing of every action's payload (fast-check), 10,000 cases in total, against the
 * real core and the real wx-server-sdk over the local cloud's Admin API, in process
 * (tests/helpers/coreTestkit.ts).
 *
 * Every case starts from the same populated room (owner, anchors, audience, an invite-only room whose
 * stage is full (maxAnchors), a publishing anchor, a signal, an unused owner-granted token, a token
 * with an owner proof) and sends either a mutation of a payload that would succeed (so the deep
 * paths run: token checks, owner checks, targets, stage policy and cap, signals) or a random one. The
 * reply must be a typed error with a code from the table (never INTERNAL: that is a throw the core
 * did not expect) or data valid against the action's response schema; the call must never reject;
 * and after an error every collection must be exactly as before.
 *
 * malformed.test.ts already proves the fixed cases (each field missing, each field of the wrong
 * type); this file explores the space between them. Seed: JRTC_FUZZ_SEED, else the fixed one below.
 */
import fc from 'fast-check';
import { ErrorCode, actions, isErrorCode } from '../../shared';
import type { ActionName, Reply } from '../../shared';
import type { StoredDoc } from '../../emulator/store/store';
import { APP_ID, T0, createTestCloud, joinAs, listenAs, ownerProofFor, tokenFields } from '../helpers/coreTestkit';
import type { TestCloud } from '../helpers/coreTestkit';

/** The seed every run uses unless JRTC_FUZZ_SEED overrides it (printed, so a failure can be replayed). */
const SEED = Number(process.env.JRTC_FUZZ_SEED ?? 20301101);
const TOTAL_CASES = 10_000;
const names = Object.keys(actions) as ActionName[];
const RUNS_PER_ACTION = Math.ceil(TOTAL_CASES / names.length);

type Payload = Record<string, unknown>;
type Snapshot = Record<string, StoredDoc[]>;

interface World {
  cloud: TestCloud;
  /** Every collection after setup: each case starts from it. */
  baseline: Snapshot;
  /** A payload per action that succeeds from the baseline, with the OPENID to send it as. */
  valid: Record<ActionName, { openid: string; payload: Payload }>;
  /** More payloads that pass the schema but hit other checks (another member's session, a kicked user's tokens, the closed stage). */
  alternates: Record<ActionName, Array<{ openid: string; payload: Payload }>>;
  /** Ids, session ids and OPENIDs of the world: swapping them in reaches the cross-member checks. */
  ids: string[];
  sessions: string[];
  openids: string[];
}

let world: World;

/** Builds the world: room-1 (open) with alice (owner, publishing), bob (audience), carol (anchor); room-2 (invite, capped at 1) owned by dave with erin (invited). */
async function buildWorld(): Promise<World> {
  // The fuzz exercises owner grants, which a deployment gives nobody by default.
  const cloud = await createTestCloud({ JRTC_OWNER_GRANTS: 'any' });
  const alice = (await joinAs(cloud, 'openid-a', 'room-1', 'alice', 1)).session;
  const bob = (await joinAs(cloud, 'openid-b', 'room-1', 'bob', 2)).session;
  const carol = (await joinAs(cloud, 'openid-c', 'room-1', 'carol', 1)).session;
  const dave = (await joinAs(cloud, 'openid-d', 'room-2', 'dave', 1)).session;
  const erin = (await joinAs(cloud, 'openid-e', 'room-2', 'erin', 2)).session;
  // room-2's stage holds one anchor (dave) and is full: erin, invited, is refused by the cap (STAGE_FULL), not the policy.
  await cloud.ok('openid-d', 'setStagePolicy', { ...dave, policy: 'invite', maxAnchors: 1 });
  await cloud.ok('openid-d', 'inviteToStage', { ...dave, targetUserId: 'erin' });
  await cloud.ok('openid-a', 'publish', { ...alice });
  await cloud.ok('openid-a', 'sendSignal', { ...alice, type: 'chat', payload: { hi: 1 } });
  // gina was kicked: her token is revoked and she is banned from room-1.
  const ginaJoin = { ...tokenFields(cloud.clock.now(), 'room-1', 'gina', { nonce: 'AK-join-gina' }), role: 2 as const };
  const gina = { appId: APP_ID, userRoomId: 'room-1', userId: 'gina', sessionId: (await cloud.ok('openid-g', 'joinRoom', ginaJoin)).sessionId };
  await cloud.ok('openid-a', 'kick', { ...alice, targetUserId: 'gina' });
  const renewal = tokenFields(cloud.clock.now(), 'room-1', 'bob', { ttlMs: 7_200_000, nonce: 'AK-renewal-bob' });
  // hank holds a token with an owner grant for room-1 (issued, not used yet): joining takes the room over.
  const hankGrant = await cloud.ok('openid-h', 'issueToken', { appId: APP_ID, userRoomId: 'room-1', userId: 'hank', owner: true });
  // ivan's app server made him tokens with owner proofs (room-1 open, room-2 invite-only): joining takes the room over.
  const ivanProven = [tokenFields(cloud.clock.now(), 'room-1', 'ivan'), tokenFields(cloud.clock.now(), 'room-2', 'ivan')].map((t) => ({
    ...t,
    ownerProof: ownerProofFor(t),
  }));
  // carol listens for calls; alice rings her from room-1 (the call the call actions name).
  await listenAs(cloud, 'openid-c', 'carol');
  const { callId } = (await cloud.ok('openid-a', 'call', { ...alice, callees: ['carol'] })).call;
  const carolParty = { appId: APP_ID, callId, userId: 'carol' };
  const valid: World['valid'] = {
    issueToken: { openid: 'openid-f', payload: { appId: APP_ID, userRoomId: 'room-1', userId: 'frank', ttlSeconds: 600, owner: true } },
    joinRoom: { openid: 'openid-f', payload: { ...tokenFields(cloud.clock.now(), 'room-1', 'frank', { nonce: 'AK-join-frank' }), role: 2, peerId: 'pf', nickName: 'Frank' } },
    leaveRoom: { openid: 'openid-b', payload: bob },
    setRole: { openid: 'openid-b', payload: { ...bob, role: 1 } },
    publish: { openid: 'openid-c', payload: { ...carol, pushDomain: 'push2.example.com' } },
    unpublish: { openid: 'openid-a', payload: alice },
    subscribe: { openid: 'openid-b', payload: { ...bob, userIds: ['alice', 'carol'], pullDomain: 'play.example.com' } },
    heartbeat: { openid: 'openid-c', payload: carol },
    getBroadcasterList: { openid: 'openid-b', payload: bob },
    getAudienceList: { openid: 'openid-a', payload: { ...alice, cursor: 'a', pageSize: 5 } },
    getRoomMemberCount: { openid: 'openid-e', payload: erin },
    setStagePolicy: { openid: 'openid-a', payload: { ...alice, policy: 'invite' } },
    inviteToStage: { openid: 'openid-d', payload: { ...dave, targetUserId: 'erin' } },
    promote: { openid: 'openid-a', payload: { ...alice, targetUserId: 'bob' } },
    demote: { openid: 'openid-a', payload: { ...alice, targetUserId: 'carol' } },
    raiseHand: { openid: 'openid-e', payload: erin },
    lowerHand: { openid: 'openid-e', payload: erin },
    kick: { openid: 'openid-a', payload: { ...alice, targetUserId: 'bob', reason: 'spam' } },
    mute: { openid: 'openid-a', payload: { ...alice, targetUserId: 'carol', muted: true } },
    setMuted: { openid: 'openid-b', payload: { ...bob, muted: true } },
    sendSignal: { openid: 'openid-b', payload: { ...bob, toUserId: 'carol', type: 'chat.text', payload: { text: 'hi', n: [1, 2] } } },
    renewToken: { openid: 'openid-b', payload: { ...bob, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp } },
    transferOwnership: { openid: 'openid-a', payload: { ...alice, targetUserId: 'carol' } },
    muteAll: { openid: 'openid-a', payload: { ...alice, muted: true } },
    listenCalls: { openid: 'openid-e', payload: { appId: APP_ID, userId: 'erin', nickName: 'Erin' } },
    call: { openid: 'openid-a', payload: { ...alice, callees: ['bob', 'dave'], data: { subject: 'x' }, ringSeconds: 20 } },
    acceptCall: { openid: 'openid-c', payload: { ...carolParty, deviceId: 'device-carol-1' } },
    endCall: { openid: 'openid-c', payload: carolParty },
    getCall: { openid: 'openid-c', payload: carolParty },
  };
  const members = [
    { openid: 'openid-a', session: alice },
    { openid: 'openid-b', session: bob },
    { openid: 'openid-c', session: carol },
    { openid: 'openid-d', session: dave },
    { openid: 'openid-e', session: erin },
    { openid: 'openid-g', session: gina },
  ];
  const alternates = {} as World['alternates'];
  for (const action of Object.keys(valid) as ActionName[]) {
    const base = valid[action].payload;
    alternates[action] = 'sessionId' in base ? members.map(({ openid, session }) => ({ openid, payload: { ...base, ...session } })) : [];
  }
  alternates.joinRoom.push(
    { openid: 'openid-f', payload: { ...tokenFields(cloud.clock.now(), 'room-2', 'frank'), role: 1 } },
    { openid: 'openid-g', payload: ginaJoin },
    { openid: 'openid-g', payload: { ...tokenFields(cloud.clock.now(), 'room-1', 'gina'), role: 2 } },
    { openid: 'openid-zz', payload: { ...valid.joinRoom.payload, userId: 'alice' } },
    { openid: 'openid-h', payload: { ...hankGrant, role: 1 } },
    { openid: 'openid-i', payload: { ...ivanProven[0], role: 2, nickName: 'Ivan' } },
    { openid: 'openid-i', payload: { ...ivanProven[1], role: 1 } },
    // Frank's valid join with a proof of ivan's: TOKEN_INVALID.
    { openid: 'openid-f', payload: { ...valid.joinRoom.payload, ownerProof: ivanProven[0].ownerProof } },
  );
  // Setting, keeping and clearing the cap; and the paths the full stage of room-2 refuses.
  alternates.setStagePolicy.push(
    { openid: 'openid-a', payload: { ...alice, policy: 'open', maxAnchors: 2 } },
    { openid: 'openid-a', payload: { ...alice, policy: 'invite', maxAnchors: null } },
    { openid: 'openid-d', payload: { ...dave, policy: 'invite', maxAnchors: 5 } },
    { openid: 'openid-d', payload: { ...dave, policy: 'open', maxAnchors: null } },
  );
  // Lifting a room-wide mute that does not hold: the no-write path.
  alternates.muteAll.push({ openid: 'openid-a', payload: { ...alice, muted: false } });
  alternates.setRole.push({ openid: 'openid-e', payload: { ...erin, role: 1 } });
  alternates.promote.push({ openid: 'openid-d', payload: { ...dave, targetUserId: 'erin' } });
  alternates.joinRoom.push({ openid: 'openid-e', payload: { ...tokenFields(cloud.clock.now(), 'room-2', 'erin'), role: 1 } });
  alternates.renewToken.push({ openid: 'openid-b', payload: { ...bob, ...tokenFields(cloud.clock.now(), 'room-1', 'bob', { nonce: 'AK-join-gina' }) } });
  return {
    cloud,
    baseline: await cloud.snapshot(),
    valid,
    alternates,
    ids: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'room-1', 'room-2', APP_ID, 'app-2', 'nobody'],
    sessions: members.map((m) => m.session.sessionId),
    openids: ['openid-a', 'openid-b', 'openid-c', 'openid-d', 'openid-e', 'openid-f', 'openid-g', 'openid-h', 'openid-i', 'openid-zz'],
  };
}

/** Puts every collection back to the baseline and the clock back to T0 (one transaction). */
async function restore(): Promise<void> {
  const { cloud, baseline } = world;
  const current = await cloud.snapshot();
  await cloud.store.transact(async (tx) => {
    for (const [collection, docs] of Object.entries(current)) {
      const keep = new Set(baseline[collection].map((d) => d._id));
      for (const doc of docs) if (!keep.has(doc._id)) tx.delete(collection, doc._id);
      for (const doc of baseline[collection]) {
        const { _id, ...data } = doc;
        tx.put(collection, _id, data);
      }
    }
  });
  cloud.clock.t = T0;
}

/** Values that break schemas or sit right on their edges. */
function nastyValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      undefined, null, true, false, 0, -1, 1, 2, 3, 0.5, -0.0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1,
      Number.NaN, Number.POSITIVE_INFINITY, '', ' ', ':', 'a:b', '..', '$gt', '__proto__', 'constructor', '\u0000',
      'é', '😀', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(513), 'AK-' + 'f'.repeat(61), [], [''], {},
      { $gt: '' }, { $ne: null }, { $where: '1' }, { __proto__: { polluted: 1 } }, { 'a.b': 1 }, '*', 'jrtc.kicked', 'open', 'invite',
    ),
    fc.string({ maxLength: 70 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  );
}

/** A near-miss of a valid value: edited, or swapped for another real id, session or token piece. */
function tweak(value: unknown): fc.Arbitrary<unknown> {
  const swaps = fc.constantFrom<unknown>(...world.ids, ...world.sessions);
  if (typeof value === 'string') {
    return fc.oneof(
      swaps,
      fc.constant(value.toUpperCase()),
      fc.constant(value.slice(0, -1)),
      fc.constant(value.slice(1)),
      fc.constant(`${value}x`),
      fc.constant(`${value}:`),
      fc.constant(`${value} `),
      fc.constant(value.split('').reverse().join('')),
      fc.nat({ max: Math.max(0, value.length - 1) }).map((i) => value.slice(0, i) + String.fromCharCode((value.charCodeAt(i) || 65) ^ 1) + value.slice(i + 1)),
    );
  }
  if (typeof value === 'number') {
    return fc.constantFrom<unknown>(value + 1, value - 1, value * 1000, -value, Math.floor(value / 2), value + 0.5, 0, world.cloud.clock.now() - 1);
  }
  if (typeof value === 'boolean') return fc.constant(!value);
  if (Array.isArray(value)) return fc.oneof(fc.constant([...value, ...value]), fc.constant(value.slice(1)), fc.array(swaps, { maxLength: 101 }));
  return nastyValue();
}

/** One mutation of a payload. */
type Mutation = { kind: 'drop'; key: string } | { kind: 'set'; key: string; value: unknown };

function mutation(base: Payload): fc.Arbitrary<Mutation> {
  const keys = Object.keys(base);
  const extraKeys = ['action', 'userInfo', '_id', '_openid', '__proto__', 'role', 'targetUserId', 'toUserId', 'ownerProof', 'extra'];
  return fc.oneof(
    fc.constantFrom(...keys).map((key): Mutation => ({ kind: 'drop', key })),
    fc.constantFrom(...keys).chain((key) => tweak(base[key]).map((value): Mutation => ({ kind: 'set', key, value }))),
    fc.constantFrom(...keys).chain((key) => tweak(base[key]).map((value): Mutation => ({ kind: 'set', key, value }))),
    fc.constantFrom(...keys, ...extraKeys).chain((key) => nastyValue().map((value): Mutation => ({ kind: 'set', key, value }))),
  );
}

function apply(base: Payload, mutations: Mutation[]): Payload {
  const out: Payload = { ...base };
  for (const m of mutations) {
    if (m.kind === 'drop') delete out[m.key];
    else Object.defineProperty(out, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A case: who calls, with what, and whether the clock moved first (expiry paths). */
interface Case {
  openid: string;
  payload: Payload;
  advanceMs: number;
}

function cases(action: ActionName): fc.Arbitrary<Case> {
  const start = fc.oneof(
    { weight: 2, arbitrary: fc.constant(world.valid[action]) },
    ...(world.alternates[action].length ? [{ weight: 1, arbitrary: fc.constantFrom(...world.alternates[action]) }] : []),
  );
  return start.chain(({ openid, payload }) => casesFrom(openid, payload));
}

function casesFrom(openid: string, payload: Payload): fc.Arbitrary<Case> {
  const callers = fc.oneof({ weight: 4, arbitrary: fc.constant(openid) }, { weight: 1, arbitrary: fc.constantFrom(...world.openids) });
  const clock = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(40_001, 600_001, 3_600_001, 7_200_001) });
  const nearValid = fc.array(mutation(payload), { minLength: 1, maxLength: 2 }).map((ms) => apply(payload, ms));
  const random = fc.dictionary(
    fc.oneof(fc.constantFrom(...Object.keys(payload)), fc.string({ maxLength: 10 })),
    fc.oneof(nastyValue(), fc.constantFrom<unknown>(...world.ids, ...world.sessions)),
    { maxKeys: 10 },
  );
  return fc.record({
    openid: callers,
    payload: fc.oneof({ weight: 3, arbitrary: nearValid }, { weight: 1, arbitrary: random }, { weight: 2, arbitrary: fc.constant(payload) }),
    advanceMs: clock,
  });
}

/** What went wrong with one reply, or null. */
function problem(action: ActionName, reply: unknown): string | null {
  if (typeof reply !== 'object' || reply === null) return `not an envelope: ${String(reply)}`;
  const r = reply as Reply<unknown>;
  if (r.ok === true) {
    const parsed = actions[action].response.safeParse(r.data);
    return parsed.success ? null : `ok reply does not match the ${action} response schema: ${parsed.error.message}`;
  }
  if (r.ok !== false) return 'neither ok nor error';
  if (!isErrorCode(r.error?.code)) return `unknown error code ${String(r.error?.code)}`;
  if (r.error.code === ErrorCode.INTERNAL) return 'INTERNAL: the core threw something it did not expect';
  if (typeof r.error.message !== 'string') return 'error without a message';
  return null;
}

/**
 * Errors that end a session on purpose and so do change the store: a heartbeat or renewal after the
 * session's token expired removes the member (heartbeat.ts, renewToken.ts) and answers TOKEN_EXPIRED.
 */
function endsSessionOnPurpose(action: ActionName, reply: Reply<unknown>): boolean {
  return !reply.ok && reply.error.code === ErrorCode.TOKEN_EXPIRED && (action === 'heartbeat' || action === 'renewToken');
}

const tally = { ok: 0, errors: new Map<string, number>() };

beforeAll(async () => {
  world = await buildWorld();
  process.stdout.write(`fuzz: seed ${SEED}, ${RUNS_PER_ACTION} cases per action, ${RUNS_PER_ACTION * names.length} in total\n`);
});
afterAll(async () => {
  process.stdout.write(`fuzz: ${tally.ok} ok replies; errors ${JSON.stringify(Object.fromEntries(tally.errors))}\n`);
  await world.cloud.close();
});

describe('fuzzing every action (fast-check)', () => {
  it('the base payloads succeed from the baseline (so mutations start from deep paths)', async () => {
    for (const action of names) {
      await restore();
      const { openid, payload } = world.valid[action];
      const reply = await world.cloud.raw(openid, { ...payload, action });
      expect({ action, reply: reply.ok ? 'ok' : reply.error }).toEqual({ action, reply: 'ok' });
    }
    await restore();
  });

  it.each(names.map((name, i) => [name, i]))('%s: typed error or valid reply, never a throw, no change on error', async (action, index) => {
    // Each action starts from the baseline, whatever an earlier failure left behind.
    await restore();
    let dirty = false;
    await fc.assert(
      fc.asyncProperty(cases(action as ActionName), async (c) => {
        if (dirty) await restore();
        dirty = false;
        const cloud = world.cloud;
        cloud.clock.advance(c.advanceMs);
        if (c.advanceMs) dirty = true;
        let reply: Reply<unknown>;
        try {
          reply = await cloud.raw(c.openid, { ...c.payload, action });
        } catch (err) {
          throw new Error(`${action} rejected instead of answering: ${String(err)}`);
        }
        const bad = problem(action as ActionName, reply);
        if (bad) throw new Error(`${action}: ${bad}\nreply: ${JSON.stringify(reply).slice(0, 500)}`);
        if (reply.ok) {
          tally.ok += 1;
          dirty = true;
          return;
        }
        tally.errors.set(reply.error.code, (tally.errors.get(reply.error.code) ?? 0) + 1);
        if (endsSessionOnPurpose(action as ActionName, reply)) {
          dirty = true;
          return;
        }
        const after = await cloud.snapshot();
        if (JSON.stringify(after) !== JSON.stringify(world.baseline)) {
          dirty = true;
          expect({ action, code: reply.error.code, store: after }).toEqual({ action, code: reply.error.code, store: world.baseline });
        }
      }),
      { seed: SEED + (index as number), numRuns: RUNS_PER_ACTION, endOnFailure: true },
    );
    if (dirty) await restore();
  });
});
