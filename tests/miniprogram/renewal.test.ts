/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The pages renew their token (miniprogram/utils/renewal.ts through stage.ts) on the SDK's
 * `tokenWillExpire`: the session outlives its first token as the server sees it, and a refused
 * renewal is the page's notice, retried until one goes through.
 *
 * Tokens live 60 s (JRTC_TOKEN_TTL_SECONDS, the shortest the function allows) and the pages are
 * compiled with `tokenWillExpireLeadMs` 58.5 s, so the SDK warns about 1.5 s after each token is
 * issued. Time past the first token's expiry comes from the local cloud's clock, which the
 * functions read and the pages follow (tests/helpers/deviceClock.ts), as a device's clock agrees
 * with the server's. It moves in steps shorter than a token's life: a renewal needs the page's
 * (real) timer to fire before the token it replaces ran out on the moved clock.
 */
import { Collections, memberIdOf, roomKeyOf } from '../../shared/constants';
import { fire, setupPageTest, waitForData } from './harness';
import type { PageTestContext, SimPage } from './harness';

const APP_ID = 'demo-app';
const TOKEN_TTL_MS = 60_000;
/** A move of the cloud's clock: less than what a renewed token has left. */
const STEP_MS = 31_000;

let ctx: PageTestContext;

beforeAll(async () => {
  ctx = await setupPageTest({
    functionEnv: {
      JRTC_TOKEN_TTL_SECONDS: String(TOKEN_TTL_MS / 1000),
      // Heartbeats every 10 minutes and a one-hour lease: a page's lease (the full lease until its
      // first beat, about ten minutes after any beat) outlasts the clock's moves, so what ends a
      // session here can only be its token.
      JRTC_HEARTBEAT_MS: '600000',
      JRTC_LEASE_MS: '3600000',
    },
    demoConfig: { tokenWillExpireLeadMs: TOKEN_TTL_MS - 1_500 },
  });
});

afterAll(async () => {
  await ctx.cleanup();
});

interface Presence {
  sessionId: string;
  openid: string;
  tokenExpiresAt: number;
  lastSeen: number;
}

/** The server's private record of `userId`'s session in `room`. */
async function presence(room: string, userId: string): Promise<Presence> {
  const doc = await ctx.cloud.store.get(Collections.presence, memberIdOf(roomKeyOf(APP_ID, room), userId));
  if (!doc) throw new Error(`no presence for ${userId} in ${room}`);
  return doc as unknown as Presence;
}

/** Polls the server's records until `check` passes (fails after `ms` with `label`). */
async function waitForServer(check: () => Promise<boolean>, label: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function enter(page: 'class' | 'meeting', room: string, user: string, part: string): SimPage {
  return ctx.open(page, ctx.user(`openid-${user}`), { room, user, nick: user, part });
}

test('the page renews its token ahead of expiry and stays in the room past the first token', async () => {
  const page = enter('class', 'renew-1', 'renew-a', 'teacher');
  await waitForData(page, (d) => d.state === 'connected' && d.pushUrl !== '', 'the teacher publishing');
  const first = await presence('renew-1', 'renew-a');

  // The server recorded a renewed token within a second or two.
  await waitForServer(async () => (await presence('renew-1', 'renew-a')).tokenExpiresAt > first.tokenExpiresAt, 'a renewed token');

  // Past the first token's expiry, in two steps: after the first, a token issued on the moved clock.
  // A renewal whose reply lands just after the move holds a token with less than the lead left, which
  // the SDK announces at half its remaining life (about 14 s), hence the longer wait.
  ctx.cloud.clock.advance(STEP_MS);
  await waitForServer(
    async () => (await presence('renew-1', 'renew-a')).tokenExpiresAt > first.tokenExpiresAt + STEP_MS,
    'a token renewed after the first move',
    25_000,
  );
  ctx.cloud.clock.advance(STEP_MS);
  expect(ctx.cloud.clock.now()).toBeGreaterThan(first.tokenExpiresAt);

  // A heartbeat of the page's session now: the server would end it with TOKEN_EXPIRED had it still
  // only the first token.
  const session = await presence('renew-1', 'renew-a');
  expect(session.sessionId).toBe(first.sessionId);
  const beat = await ctx.user('openid-renew-a').callFunction({
    name: 'jrtc',
    data: { action: 'heartbeat', appId: APP_ID, userRoomId: 'renew-1', userId: 'renew-a', sessionId: session.sessionId },
  });
  const reply = beat.result as { ok: boolean; data?: { tokenExpiresAt: number } };
  expect(reply).toMatchObject({ ok: true });
  expect(reply.data!.tokenExpiresAt).toBeGreaterThan(ctx.cloud.clock.now());
  expect((await presence('renew-1', 'renew-a')).lastSeen).toBeGreaterThan(first.tokenExpiresAt);
  const member = await ctx.cloud.store.get(Collections.members, memberIdOf(roomKeyOf(APP_ID, 'renew-1'), 'renew-a'));
  expect(member).toMatchObject({ userId: 'renew-a', role: 1 });
  expect(page.data).toMatchObject({ state: 'connected', notice: '' });
  await ctx.close(page);
}, 60_000);

test('a refused renewal is the notice, the page keeps working, and a retry renews', async () => {
  const page = enter('meeting', 'renew-2', 'renew-b', 'member');
  await waitForData(page, (d) => d.state === 'connected' && d.pushUrl !== '', 'the member publishing');
  const first = await presence('renew-2', 'renew-b');

  // issueToken now refuses this user: its userId is bound to another WeChat user (IDENTITY_MISMATCH).
  // Bindings are read only by joinRoom and issueToken, so the live session itself is untouched.
  const userId = `${APP_ID}:renew-b`;
  const stored = await ctx.cloud.store.get(Collections.users, userId);
  expect(stored).toMatchObject({ openid: 'openid-renew-b' });
  const { _id, ...record } = stored!;
  await ctx.cloud.store.put(Collections.users, userId, { ...record, openid: 'openid-someone-else' });

  const failed = await waitForData(page, (d) => String(d.notice).startsWith('token renewal failed:'), 'the renewal failure notice');
  expect(failed.notice).toMatch(/^token renewal failed: IDENTITY_MISMATCH: .* \(retrying\)$/);
  expect(failed.state).toBe('connected');
  expect((await presence('renew-2', 'renew-b')).tokenExpiresAt).toBe(first.tokenExpiresAt);
  // Not crashed: the page's controls still reach the room.
  await fire(page.querySelector('.mute'), 'tap');
  await waitForData(page, (d) => d.muted === true, 'the member muted');

  // The binding is back: a retry renews and the notice goes.
  await ctx.cloud.store.put(Collections.users, userId, record);
  await waitForServer(async () => (await presence('renew-2', 'renew-b')).tokenExpiresAt > first.tokenExpiresAt, 'a renewal on retry');
  await waitForData(page, (d) => d.notice === '', 'the notice cleared');
  expect(page.data.state).toBe('connected');
  await ctx.close(page);
});
