/**
 * Media backends on the core: a room's backend is fixed when it is created (the creator's choice, else
 * JRTC_ROOM_BACKEND); publish and subscribe answer TRTC room:// URLs on `trtc` rooms, signed with the
 * deployment's TRTC key and carrying each role's privileges; `voip` rooms cap their stage at ten.
 * (VoIP signing needs the platform: tests/sdk/voip.test.ts runs it on the local cloud.)
 */
import { Collections, ErrorCode } from '../../../shared';
import { ANCHOR_PRIVILEGES, AUDIENCE_PRIVILEGES, verifyTrtcSig } from '../../../shared/signers/trtc';
import { parseTrtcPushUrl, trtcPlayUrl } from '../../../shared/signers/trtcUrl';
import { codeOf, createTestCloud, joinPayload, onlyRoomDoc } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

const TRTC = { sdkAppId: 1400000001, secretKey: 'trtc-test-secret-key-0123456789abcdef' };
const trtcEnv = { JRTC_TRTC_SDKAPPID: String(TRTC.sdkAppId), JRTC_TRTC_SECRET_KEY: TRTC.secretKey };

let cloud: TestCloud;
afterEach(async () => {
  await cloud.close();
});

/** Joins and returns the session fields. */
async function join(userId: string, role: 1 | 2, backend?: 'rtmp' | 'trtc' | 'voip') {
  const reply = await cloud.ok(`openid-${userId}`, 'joinRoom', joinPayload(cloud, 'room-1', userId, role, backend ? { backend } : {}));
  return { session: { appId: reply.room.appId, userRoomId: 'room-1', userId, sessionId: reply.sessionId }, reply };
}

/** The privileges a room:// URL's PrivateMapKey grants, after checking both signatures with the deployment's key. */
function privilegesOf(url: string, userId: string): number | undefined {
  const p = parseTrtcPushUrl(url);
  expect(p).toMatchObject({ sdkAppId: TRTC.sdkAppId, userId, room: { strRoomId: 'app-1:room-1' } });
  const now = Math.floor(cloud.clock.now() / 1000);
  expect(verifyTrtcSig(p!.userSig, TRTC, now)).toMatchObject({ userId, expiresAt: now + 600 });
  const map = verifyTrtcSig(p!.privateMapKey ?? '', TRTC, now);
  expect(map?.map?.strRoomId).toBe('app-1:room-1');
  return map?.map?.privileges;
}

test('a trtc room: the anchor publishes a room:// URL with every privilege, the audience enters receive-only and plays room:// URLs', async () => {
  cloud = await createTestCloud(trtcEnv);
  const alice = await join('alice', 1, 'trtc');
  expect(alice.reply.room.backend).toBe('trtc');
  // A later joiner asking for another backend gets the room's.
  const bob = await join('bob', 2, 'rtmp');
  expect(bob.reply.room.backend).toBe('trtc');

  const pub = await cloud.ok('openid-alice', 'publish', alice.session);
  expect(pub.backend).toBe('trtc');
  expect(privilegesOf(pub.pushUrl, 'alice')).toBe(ANCHOR_PRIVILEGES);

  const sub = await cloud.ok('openid-bob', 'subscribe', bob.session);
  expect(sub.backend).toBe('trtc');
  expect(sub.streams.map((s) => [s.userId, s.url, s.publishing])).toEqual([['alice', trtcPlayUrl('alice'), true]]);
  expect(privilegesOf(sub.enterUrl ?? '', 'bob')).toBe(AUDIENCE_PRIVILEGES);
  // Narrowed to others, an anchor's own entry still carries an anchor's privileges.
  const own = await cloud.ok('openid-alice', 'subscribe', { ...alice.session, userIds: ['nobody'] });
  expect(privilegesOf(own.enterUrl ?? '', 'alice')).toBe(ANCHOR_PRIVILEGES);
});

test('rooms are rtmp unless asked or configured otherwise, and say nothing of it', async () => {
  cloud = await createTestCloud(trtcEnv);
  const alice = await join('alice', 1);
  expect(alice.reply.room.backend).toBeUndefined();
  const pub = await cloud.ok('openid-alice', 'publish', alice.session);
  expect(pub).toMatchObject({ backend: 'rtmp', pushUrl: expect.stringMatching(/^rtmp:\/\/push\.example\.com\//) });
  const sub = await cloud.ok('openid-alice', 'subscribe', alice.session);
  expect(sub).not.toHaveProperty('enterUrl');
});

test('JRTC_ROOM_BACKEND decides for rooms whose creator asks nothing', async () => {
  cloud = await createTestCloud({ ...trtcEnv, JRTC_ROOM_BACKEND: 'trtc' });
  expect((await join('alice', 1)).reply.room.backend).toBe('trtc');
});

test('a trtc room without a TRTC application: CONFIG_ERROR and nothing written', async () => {
  cloud = await createTestCloud();
  const before = await cloud.snapshot();
  const reply = await cloud.call('openid-alice', 'joinRoom', joinPayload(cloud, 'room-1', 'alice', 1, { backend: 'trtc' }));
  expect(codeOf(reply)).toBe(ErrorCode.CONFIG_ERROR);
  expect(reply.ok ? '' : reply.error.message).toMatch(/JRTC_TRTC_SDKAPPID/);
  expect(await cloud.snapshot()).toEqual(before);
});

test('a voip room takes ten on its stage, as a WeChat VoIP chat does', async () => {
  cloud = await createTestCloud();
  await join('alice', 1, 'voip');
  expect(await onlyRoomDoc(cloud)).toMatchObject({ backend: 'voip', maxAnchors: 10 });
  for (let i = 1; i < 10; i++) await join(`user-${i}`, 1);
  const eleventh = await cloud.call('openid-late', 'joinRoom', joinPayload(cloud, 'room-1', 'late', 1));
  expect(codeOf(eleventh)).toBe(ErrorCode.STAGE_FULL);
});

test('a voip join the platform will not sign publishes nothing', async () => {
  // The core test kit's VoipSigner refuses (no platform here), as getVoIPSign may refuse on a real env.
  cloud = await createTestCloud();
  const alice = await join('alice', 1, 'voip');
  const reply = await cloud.call('openid-alice', 'publish', alice.session);
  expect(codeOf(reply)).toBe(ErrorCode.INTERNAL);
  const members = (await cloud.snapshot())[Collections.members];
  expect(members.map((m) => [m.userId, (m.stream as { publishing: boolean }).publishing])).toEqual([['alice', false]]);
});

test('an unknown backend is refused before anything happens', async () => {
  cloud = await createTestCloud(trtcEnv);
  const reply = await cloud.raw('openid-alice', { action: 'joinRoom', ...joinPayload(cloud, 'room-1', 'alice', 1), backend: 'webrtc' });
  expect(codeOf(reply)).toBe(ErrorCode.BAD_REQUEST);
});
