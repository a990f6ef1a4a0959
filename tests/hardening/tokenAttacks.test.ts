/**
 * Token and identity attacks, one named test each, through the wx.cloud-shaped client against a local
 * cloud in its own process. Every refusal must carry its own code and change nothing in the store
 * (read from the data dir directly). tests/room.e2e.test.ts shows the basic refusals once; these go
 * further: each attack is tried on every door it could use (joinRoom, renewToken, session calls).
 */
import { createCloudClient } from '../../emulator/client/client';
import { ErrorCode } from '../../shared';
import type { ActionName, ActionRequest, Reply } from '../../shared';
import { computeOwnerProof } from '../../shared/ownerProof';
import { computeToken } from '../../shared/token';
import { startCloudProcess } from '../helpers/cloudProcess';
import type { CloudProcess } from '../helpers/cloudProcess';
import { APP_ID, APP_KEY, call, callOk } from '../helpers/room';
import type { Client } from '../helpers/room';
import { readStore } from './support/dataDir';

let cloud: CloudProcess;
/** How far this file moved the cloud's clock: tokens are minted against the cloud's time. */
let offsetMs = 0;
const cloudNow = (): number => Date.now() + offsetMs;
let seq = 0;

beforeAll(async () => {
  cloud = await startCloudProcess();
});
afterAll(async () => {
  await cloud.stop();
});

const clients = new Map<string, Client>();
/** The client of WeChat user `openid` (one per user, as one phone). */
function as(openid: string): Client {
  let c = clients.get(openid);
  if (!c) clients.set(openid, (c = createCloudClient({ url: cloud.url, openid })));
  return c;
}

/** Join parameters with a token minted as the app's server would (right key, fresh nonce, 1 h). */
function mint(
  userRoomId: string,
  userId: string,
  role: 1 | 2,
  options: { appKey?: string; ttlMs?: number; nonce?: string } = {},
): ActionRequest<'joinRoom'> {
  const nonce = options.nonce ?? `AK-${userId}-${(seq += 1)}-${Math.random().toString(16).slice(2)}`;
  const timestamp = cloudNow() + (options.ttlMs ?? 3_600_000);
  const token = computeToken({ appId: APP_ID, appKey: options.appKey ?? APP_KEY, roomId: userRoomId, userId, timestamp, nonce });
  return { appId: APP_ID, token, userId, role, nonce, timestamp, userRoomId, nickName: userId };
}

type Session = { appId: string; userRoomId: string; userId: string; sessionId: string };

async function join(openid: string, params: ActionRequest<'joinRoom'>): Promise<Session> {
  const reply = await callOk(as(openid), 'joinRoom', params);
  return { appId: params.appId, userRoomId: params.userRoomId, userId: params.userId, sessionId: reply.sessionId };
}

async function advance(ms: number): Promise<void> {
  await cloud.advanceClock(ms);
  offsetMs += ms;
}

/** Calls `action` as `openid`, expects `code`, and checks that the store did not change. */
async function refused<A extends ActionName>(openid: string, action: A, payload: ActionRequest<A>, code: string): Promise<Reply<unknown>> {
  const before = readStore(cloud.dataDir);
  const reply = await call(as(openid), action, payload);
  expect({ action, code: reply.ok ? 'ok' : reply.error.code }).toEqual({ action, code });
  expect(readStore(cloud.dataDir)).toEqual(before);
  return reply;
}

/** The owner proof of join parameters, made with `appKey` (the app's own by default) as its server would. */
function proofOf(params: ActionRequest<'joinRoom'>, appKey: string = APP_KEY): string {
  const { appId, userRoomId: roomId, userId, nonce, timestamp } = params;
  return computeOwnerProof({ appId, appKey, roomId, userId, nonce, timestamp });
}

/** Flips one character of a token (in the middle, so the shape stays plausible). */
function flip(token: string): string {
  const i = Math.floor(token.length / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('token attacks', () => {
  test('forged: a token signed without the app key is TOKEN_INVALID at every door', async () => {
    const owner = await join('o-forge-owner', mint('forge', 'forge-owner', 1));
    for (const key of ['wrong-key', 'demo-key ', '', 'DEMO-KEY']) {
      if (!key) continue; // computeToken refuses an empty key; the server never accepts one either
      await refused('o-forger', 'joinRoom', mint('forge', 'forger', 1, { appKey: key }), ErrorCode.TOKEN_INVALID);
      // The owner's seat cannot be taken with a forged token either.
      await refused('o-forger', 'joinRoom', mint('forge', 'forge-owner', 1, { appKey: key }), ErrorCode.TOKEN_INVALID);
      const renewal = mint('forge', 'forge-owner', 1, { appKey: key, ttlMs: 86_400_000 });
      await refused('o-forge-owner', 'renewToken', { ...owner, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp }, ErrorCode.TOKEN_INVALID);
    }
    // A token for an app this deployment does not know.
    await refused('o-forger', 'joinRoom', { ...mint('forge', 'forger', 1), appId: 'other-app' }, ErrorCode.APP_UNKNOWN);
  });

  test('forged owner proof: a proof not made with the app key for this very token is TOKEN_INVALID, the owner stays', async () => {
    const host = await join('o-proof-host', mint('proof', 'proof-host', 1));
    const own = mint('proof', 'usurper', 1);
    const genuine = proofOf(own);
    const victimParams = mint('proof', 'teacher', 1);
    const forgeries: Array<[string, string]> = [
      ['signed with a wrong key', proofOf(own, 'wrong-key')],
      ['keyed with the public nonce', proofOf(own, own.nonce)],
      ['the token presented as a proof', own.token],
      ['one character of a genuine proof changed', flip(genuine)],
      ["another user's genuine proof", proofOf(victimParams)],
      ['a genuine proof for another room', proofOf({ ...own, userRoomId: 'proof-2' })],
      ['a genuine proof for another nonce of the same user', proofOf(mint('proof', 'usurper', 1))],
      ['a genuine proof for a longer-lived token', proofOf({ ...own, timestamp: own.timestamp + 86_400_000 })],
    ];
    for (const [, ownerProof] of forgeries) await refused('o-usurper', 'joinRoom', { ...own, ownerProof }, ErrorCode.TOKEN_INVALID);
    // The host still owns the room; the refusals consumed nothing: the token joins, without a grant.
    const usurper = await join('o-usurper', own);
    await refused('o-usurper', 'setStagePolicy', { ...usurper, policy: 'invite' }, ErrorCode.NOT_OWNER);
    // A genuine proof arriving after the token's first join is ignored (it only counts on the first).
    const rejoined = await join('o-usurper', { ...own, ownerProof: genuine });
    await refused('o-usurper', 'setStagePolicy', { ...rejoined, policy: 'invite' }, ErrorCode.NOT_OWNER);
    expect((await callOk(as('o-proof-host'), 'setStagePolicy', { ...host, policy: 'invite' })).room.ownerUserId).toBe('proof-host');
  });

  test('expired: a token past its timestamp never joins or renews, and a session ends with its token', async () => {
    await refused('o-exp', 'joinRoom', mint('exp', 'exp-user', 2, { ttlMs: -1 }), ErrorCode.TOKEN_EXPIRED);
    const host = await join('o-exp-host', mint('exp', 'exp-host', 1));
    const shortParams = mint('exp', 'exp-user', 2, { ttlMs: 20_000 });
    const short = await join('o-exp', shortParams);
    const stale = mint('exp', 'exp-user', 2, { ttlMs: 10_000 });
    await advance(20_001);
    // The same token again (the holder reconnecting) is expired now.
    await refused('o-exp', 'joinRoom', shortParams, ErrorCode.TOKEN_EXPIRED);
    // Renewing with a token that has itself expired is refused before the session is looked at.
    await refused('o-exp', 'renewToken', { ...short, token: stale.token, nonce: stale.nonce, timestamp: stale.timestamp }, ErrorCode.TOKEN_EXPIRED);
    // The session outlived its token: its next heartbeat ends it (by design the only error that writes).
    const beat = await call(as('o-exp'), 'heartbeat', short);
    expect(beat.ok ? 'ok' : beat.error.code).toBe(ErrorCode.TOKEN_EXPIRED);
    expect(await callOk(as('o-exp-host'), 'getRoomMemberCount', host)).toEqual({ total: 1, broadcasterCount: 1, audienceCount: 0 });
    await refused('o-exp', 'heartbeat', short, ErrorCode.NOT_IN_ROOM);
  });

  test('tampered: any change to the token or to what it signs is TOKEN_INVALID', async () => {
    await join('o-tamper-host', mint('tamper', 'tamper-host', 1));
    const good = mint('tamper', 'tamper-user', 2);
    const variants: Array<[string, ActionRequest<'joinRoom'>]> = [
      ['one character of the token', { ...good, token: flip(good.token) }],
      ['the token truncated', { ...good, token: good.token.slice(0, -4) }],
      ['the token in plain base64', { ...good, token: good.token.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=') }],
      ['the userId (taking the host seat)', { ...good, userId: 'tamper-host' }],
      ['the timestamp (a longer life)', { ...good, timestamp: good.timestamp + 86_400_000 }],
      ['the nonce', { ...good, nonce: `${good.nonce}0` }],
      ['the room', { ...good, userRoomId: 'tamper-2' }],
    ];
    for (const [, params] of variants) await refused('o-tamper', 'joinRoom', params, ErrorCode.TOKEN_INVALID);
    // The untouched token still works (the refusals consumed nothing).
    await join('o-tamper', good);
  });

  test('replayed nonce: another caller presenting a used token is TOKEN_REPLAYED, also after the holder left', async () => {
    const params = mint('replay', 'replay-user', 2);
    const holder = await join('o-replay', params);
    await refused('o-mallory', 'joinRoom', params, ErrorCode.TOKEN_REPLAYED);
    // A renewal token is consumed too: nobody else can present it.
    const renewal = mint('replay', 'replay-user', 2, { ttlMs: 7_200_000 });
    await callOk(as('o-replay'), 'renewToken', { ...holder, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp });
    await refused('o-mallory', 'joinRoom', renewal, ErrorCode.TOKEN_REPLAYED);
    await callOk(as('o-replay'), 'leaveRoom', holder);
    await refused('o-mallory', 'joinRoom', params, ErrorCode.TOKEN_REPLAYED);
    // The holder itself may present its live token again (a reconnect).
    await join('o-replay', params);
  });

  test('another room: a token or a session of one room opens nothing in another', async () => {
    await join('o-room-b-host', mint('room-b', 'room-b-host', 1));
    const params = mint('room-a', 'roamer', 1);
    const session = await join('o-roamer', params);
    await refused('o-roamer', 'joinRoom', { ...params, userRoomId: 'room-b' }, ErrorCode.TOKEN_INVALID);
    const elsewhere = { ...session, userRoomId: 'room-b' };
    await refused('o-roamer', 'heartbeat', elsewhere, ErrorCode.NOT_IN_ROOM);
    await refused('o-roamer', 'publish', elsewhere, ErrorCode.NOT_IN_ROOM);
    await refused('o-roamer', 'sendSignal', { ...elsewhere, type: 'chat', payload: 'hi' }, ErrorCode.NOT_IN_ROOM);
    await refused('o-roamer', 'getAudienceList', elsewhere, ErrorCode.NOT_IN_ROOM);
    // A renewal token minted for room-b does not renew the room-a session.
    const renewal = mint('room-b', 'roamer', 1);
    await refused('o-roamer', 'renewToken', { ...session, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp }, ErrorCode.TOKEN_INVALID);
  });

  test('another OPENID: stolen session fields and fresh tokens for a bound userId are IDENTITY_MISMATCH', async () => {
    const victim = await join('o-victim', mint('ident', 'victim', 1));
    for (const action of ['heartbeat', 'publish', 'leaveRoom', 'raiseHand', 'getRoomMemberCount'] as const) {
      await refused('o-thief', action, victim, ErrorCode.IDENTITY_MISMATCH);
    }
    await refused('o-thief', 'sendSignal', { ...victim, type: 'chat', payload: 'as the victim' }, ErrorCode.IDENTITY_MISMATCH);
    await refused('o-thief', 'setStagePolicy', { ...victim, policy: 'invite' }, ErrorCode.IDENTITY_MISMATCH);
    // A correctly signed token for the victim's userId, presented by another WeChat user.
    await refused('o-thief', 'joinRoom', mint('ident', 'victim', 1), ErrorCode.IDENTITY_MISMATCH);
    await refused('o-thief', 'joinRoom', mint('elsewhere', 'victim', 2), ErrorCode.IDENTITY_MISMATCH);
    await refused('o-thief', 'issueToken', { appId: APP_ID, userRoomId: 'ident', userId: 'victim' }, ErrorCode.IDENTITY_MISMATCH);
    // The victim's session is untouched.
    expect((await callOk(as('o-victim'), 'heartbeat', victim)).nextHeartbeatInMs).toBeGreaterThan(0);
  });

  test('role escalation without stage permission: invite room refuses setRole(1), joinRoom role 1, publish and self-promotion', async () => {
    const owner = await join('o-stage-owner', mint('stage', 'stage-owner', 1));
    await callOk(as('o-stage-owner'), 'setStagePolicy', { ...owner, policy: 'invite' });
    const fan = await join('o-fan', mint('stage', 'fan', 2));
    await refused('o-fan', 'setRole', { ...fan, role: 1 }, ErrorCode.ROLE_FORBIDDEN);
    await refused('o-fan', 'publish', fan, ErrorCode.NOT_ANCHOR);
    await refused('o-fan', 'promote', { ...fan, targetUserId: 'fan' }, ErrorCode.NOT_OWNER);
    await refused('o-fan', 'inviteToStage', { ...fan, targetUserId: 'fan' }, ErrorCode.NOT_OWNER);
    await refused('o-fan', 'setStagePolicy', { ...fan, policy: 'open' }, ErrorCode.NOT_OWNER);
    // Rejoining as an anchor (same seat, fresh token) is the stage door too.
    await refused('o-fan', 'joinRoom', mint('stage', 'fan', 1), ErrorCode.ROLE_FORBIDDEN);
    // A newcomer cannot walk on stage by joining with role 1.
    await refused('o-walk-in', 'joinRoom', mint('stage', 'walk-in', 1), ErrorCode.ROLE_FORBIDDEN);
    // Invited, then demoted: the invitation is withdrawn with the seat.
    await callOk(as('o-stage-owner'), 'promote', { ...owner, targetUserId: 'fan' });
    await callOk(as('o-stage-owner'), 'demote', { ...owner, targetUserId: 'fan' });
    await refused('o-fan', 'setRole', { ...fan, role: 1 }, ErrorCode.ROLE_FORBIDDEN);
    expect(await callOk(as('o-fan'), 'getRoomMemberCount', fan)).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
  });

  test('kicked user rejoining: the kicked token is TOKEN_REVOKED, any token KICKED until the ban ends', async () => {
    const owner = await join('o-kick-owner', mint('kick', 'kick-owner', 1));
    const params = mint('kick', 'pest', 2, { ttlMs: 2 * 3_600_000 });
    const pest = await join('o-pest', params);
    await callOk(as('o-kick-owner'), 'kick', { ...owner, targetUserId: 'pest', reason: 'spam' });
    await refused('o-pest', 'joinRoom', params, ErrorCode.TOKEN_REVOKED);
    await refused('o-pest', 'joinRoom', mint('kick', 'pest', 2), ErrorCode.KICKED);
    await refused('o-pest', 'joinRoom', mint('kick', 'pest', 1), ErrorCode.KICKED);
    await refused('o-pest', 'heartbeat', pest, ErrorCode.KICKED);
    await refused('o-pest', 'sendSignal', { ...pest, type: 'chat', payload: 'back!' }, ErrorCode.KICKED);
    const renewal = mint('kick', 'pest', 2);
    await refused('o-pest', 'renewToken', { ...pest, token: renewal.token, nonce: renewal.nonce, timestamp: renewal.timestamp }, ErrorCode.KICKED);
    // Nor through another WeChat identity (the ban is on the seat, checked before the binding).
    await refused('o-pest-2', 'joinRoom', mint('kick', 'pest', 2), ErrorCode.KICKED);
    // When the ban (600 s) is over a fresh token joins; the kicked token stays revoked while it lives.
    await advance(600_001);
    await refused('o-pest', 'joinRoom', params, ErrorCode.TOKEN_REVOKED);
    await join('o-pest', mint('kick', 'pest', 2));
  });
});
