/**
 * The four exposures a new user found with the shipped configuration (issue "Deploy for real, secure
 * by default"), each tried against the jrtc function as cloudbaserc.json configures it (its plain
 * values; what a deployment keeps in its .env, `{{env.X}}` there, the app key included, is the test's): none works.
 */
import fs from 'fs';
import path from 'path';
import { ErrorCode } from '../../shared';
import { APP_ID, codeOf, createTestCloud } from '../helpers/coreTestkit';
import type { TestCloud } from '../helpers/coreTestkit';

const shipped = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cloudbaserc.json'), 'utf8')) as {
  functions: Array<{ name: string; envVariables: Record<string, string> }>;
}).functions.find((f) => f.name === 'jrtc')!.envVariables;
const shippedEnv = Object.fromEntries(Object.entries(shipped).filter(([, v]) => v !== '' && !v.includes('{{')));

let cloud: TestCloud;

beforeEach(async () => {
  cloud = await createTestCloud(shippedEnv);
});
afterEach(async () => {
  await cloud.close();
});

/** A token from issueToken for `openid`, and the join it makes. */
async function joinOwn(openid: string, room: string, role: 1 | 2): Promise<{ userId: string; sessionId: string }> {
  const token = await cloud.ok(openid, 'issueToken', { appId: APP_ID, userRoomId: room });
  const joined = await cloud.ok(openid, 'joinRoom', { ...token, role });
  return { userId: token.userId, sessionId: joined.sessionId };
}

describe('the shipped configuration', () => {
  test('is what this test reads: owner grants none, userIds the caller\'s own', () => {
    expect(shippedEnv).toMatchObject({ JRTC_OWNER_GRANTS: 'none', JRTC_USER_IDS: 'caller', JRTC_TOKEN_TTL_SECONDS: '3600' });
  });

  test('1. no phone gets an owner grant, so none joins a live room as its owner and kicks the real owner', async () => {
    const teacher = await joinOwn('openid-teacher', 'class', 1);
    const asked = await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', owner: true });
    expect(codeOf(asked)).toBe(ErrorCode.POLICY_DENIED);
    const intruder = await joinOwn('openid-x', 'class', 2);
    const kick = await cloud.call('openid-x', 'kick', { appId: APP_ID, userRoomId: 'class', ...intruder, targetUserId: teacher.userId });
    expect(codeOf(kick)).toBe(ErrorCode.NOT_OWNER);
  });

  test('2. a kicked phone does not rejoin within its ban under another userId', async () => {
    const teacher = await joinOwn('openid-teacher', 'class', 1);
    const pest = await joinOwn('openid-x', 'class', 2);
    await cloud.ok('openid-teacher', 'kick', { appId: APP_ID, userRoomId: 'class', ...teacher, targetUserId: pest.userId });
    const again = await cloud.ok('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class' });
    expect(codeOf(await cloud.call('openid-x', 'joinRoom', { ...again, role: 2 }))).toBe(ErrorCode.KICKED);
    expect(codeOf(await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', userId: 'someone-else' }))).toBe(ErrorCode.POLICY_DENIED);
  });

  test('3. a phone cannot choose a token lifetime beyond the deployment\'s (it could ask for 7 days)', async () => {
    const week = await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', ttlSeconds: 7 * 24 * 3600 });
    expect(codeOf(week)).toBe(ErrorCode.POLICY_DENIED);
  });

  test('4. a phone cannot squat a userId such as "teacher"', async () => {
    const before = await cloud.snapshot();
    expect(codeOf(await cloud.call('openid-x', 'issueToken', { appId: APP_ID, userRoomId: 'class', userId: 'teacher' }))).toBe(ErrorCode.POLICY_DENIED);
    expect(await cloud.snapshot()).toEqual(before);
  });
});
