import http from 'http';
import { Collections, memberIdOf } from '../../../shared';
import type { MediaProvider } from '../../../shared/signers';
import { startFixtureCloud } from '../../__fixtures__/fixtureCloud';
import type { LocalCloud } from '../localCloud';
import { localFunctionEnv } from '../localEnv';
import { refusalOf } from '../media/verifyUrl';
import { CONSOLE_CALLS_ROUTE, CONSOLE_PULL_ROUTE } from './roomConsole';
import { partyWords, talkedWords, toCalls } from './page/callList';

const ROOM_KEY = 'demo-app:hall';

/** A raw request, so the Host header can be anything. */
function request(
  cloud: LocalCloud,
  method: string,
  route: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: cloud.port, method, path: route, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const pull = (cloud: LocalCloud, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  request(cloud, 'POST', CONSOLE_PULL_ROUTE, { body: JSON.stringify(body), headers });

async function putMember(cloud: LocalCloud, userId: string, role: 1 | 2, publishing: boolean): Promise<void> {
  await cloud.store.put(Collections.members, memberIdOf(ROOM_KEY, userId), {
    roomKey: ROOM_KEY,
    userId,
    nickName: userId,
    peerId: `p-${userId}`,
    role,
    stream: { streamId: `s_${userId}`, publishing, muted: false },
    joinedAt: 1,
    version: 1,
  });
}

describe.each<MediaProvider>(['nms', 'tencent-css'])('room console with %s signatures', (provider) => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startFixtureCloud({ functionEnv: { JRTC_MEDIA_PROVIDER: provider } });
    await putMember(cloud, 'anchor', 1, true);
    await putMember(cloud, 'quiet', 1, false);
    await putMember(cloud, 'listener', 2, false);
  });
  afterAll(async () => {
    await cloud.stop();
  });

  test('signs an HTTP-FLV URL for a publishing anchor that the media server accepts for play only', async () => {
    const res = await pull(cloud, { roomKey: ROOM_KEY, userId: 'anchor' });
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.text) as { userId: string; streamId: string; flv: string; expiresAt: number };
    expect(reply.streamId).toBe('s_anchor');
    const url = new URL(reply.flv);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('http://127.0.0.1:8000/live/s_anchor.flv');
    const query = Object.fromEntries(url.searchParams);
    const auth = { provider, pushKey: localFunctionEnv.JRTC_PUSH_KEY, pullKey: localFunctionEnv.JRTC_PULL_KEY, app: 'live' };
    const nowSeconds = cloud.clock.now() / 1000;
    expect(refusalOf(auth, { action: 'play', protocol: 'flv', app: 'live', stream: 's_anchor', query, nowSeconds })).toBeNull();
    expect(refusalOf(auth, { action: 'publish', protocol: 'rtmp', app: 'live', stream: 's_anchor', query, nowSeconds })).not.toBeNull();
    expect(reply.expiresAt).toBeGreaterThan(cloud.clock.now());
  });

  test('refuses members that are absent or not publishing, and malformed requests', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ roomKey: ROOM_KEY, userId: 'nobody' }, 404, 'TARGET_NOT_IN_ROOM'],
      [{ roomKey: 'demo-app:other', userId: 'anchor' }, 404, 'TARGET_NOT_IN_ROOM'],
      [{ roomKey: ROOM_KEY, userId: 'quiet' }, 409, 'NOT_ANCHOR'],
      [{ roomKey: ROOM_KEY, userId: 'listener' }, 409, 'NOT_ANCHOR'],
      [{ roomKey: ROOM_KEY }, 400, 'BAD_REQUEST'],
      [{ roomKey: ROOM_KEY, userId: 'anchor', extra: 1 }, 400, 'BAD_REQUEST'],
      [[], 400, 'BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await pull(cloud, body);
      expect({ body, status: res.status, code: (JSON.parse(res.text) as { code: string }).code }).toEqual({ body, status, code });
    }
    expect((await pull(cloud, { roomKey: ROOM_KEY, userId: 'anchor' }, { 'content-type': 'text/plain' })).status).toBe(415);
    const rebound = await pull(cloud, { roomKey: ROOM_KEY, userId: 'anchor' }, { 'content-type': 'application/json', host: 'evil.example:80' });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('sign');
  });

  test('serves the page with a content security policy, and nothing else under /console', async () => {
    const page = await request(cloud, 'GET', '/console');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('/console/console.js');
    const script = await request(cloud, 'GET', '/console/console.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await request(cloud, 'GET', '/console/../cloudbaserc.json')).status).not.toBe(200);
    expect((await request(cloud, 'GET', '/console/index.html.bak')).status).toBe(404);
    expect((await request(cloud, 'POST', '/console')).status).toBe(405);
    expect((await request(cloud, 'GET', '/console', { headers: { host: 'evil.example' } })).status).toBe(403);
  });

  test('the cloud\'s root leads a browser to the console (it answered 405)', async () => {
    const root = await request(cloud, 'GET', '/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/console');
    expect((await request(cloud, 'POST', '/')).status).toBe(405);
  });

  test('lists recent calls, newest first, with parties, states, reasons and talk time; never an OPENID', async () => {
    const party = (userId: string, role: 'caller' | 'callee', state: string, extra: Record<string, unknown> = {}) => ({
      userId, openid: `openid-${userId}`, nickName: userId === 'li' ? 'Agent Li' : '', role, state, invitedAt: 1_000, ...extra,
    });
    const call = (callId: string, createdAt: number, parties: unknown[], extra: Record<string, unknown> = {}) =>
      cloud.store.put(Collections.calls, callId, { callId, appId: 'demo-app', userRoomId: `svc-${callId}`, roomKey: `demo-app:svc-${callId}`, parties, dataJson: '{}', createdAt, updatedAt: createdAt, version: 3, ...extra });
    await call('c-old', 1_000, [party('li', 'caller', 'ended', { reason: 'hangup' }), party('ann', 'callee', 'ended', { reason: 'hangup', answeredAt: 2_000, answeredBy: 'dev' })], { state: 'ended', answeredAt: 2_000, endedAt: 65_000 });
    await call('c-new', 5_000, [party('li', 'caller', 'ended', { reason: 'busy' }), party('bob', 'callee', 'ended', { reason: 'busy' })], { state: 'ended', endedAt: 5_000 });
    await cloud.store.put(Collections.calls, 'c-broken', { callId: 'c-broken', createdAt: 9_000 });

    const res = await request(cloud, 'GET', CONSOLE_CALLS_ROUTE);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('openid');
    const calls = toCalls(JSON.parse(res.text));
    expect(calls.map((c) => [c.callId, c.state, c.parties.map(partyWords).join(' → '), talkedWords(c, 0)])).toEqual([
      ['c-new', 'ended', 'li "Agent Li" (busy) → bob (busy)', ''],
      ['c-old', 'ended', 'li "Agent Li" (hangup) → ann (hangup)', '1:03'],
    ]);
    expect((await request(cloud, 'GET', CONSOLE_CALLS_ROUTE, { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await request(cloud, 'POST', CONSOLE_CALLS_ROUTE)).status).toBe(405);
  });
});
