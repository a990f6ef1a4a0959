/**
 * The README's SDK examples, as tests, so that they keep working: the JRTC page of "Using the SDK in a
 * page" (two simulated WeChat users load it on a local cloud: init, joinRoom, setRole, publish,
 * subscribe, the lists and counts, custom signals, JRTC events, leaveRoom then destroy), and "Testing
 * your own code against the local cloud" (one local cloud in the test process, two SDK clients, a
 * token from issueToken, the server clock moved, a watch failure recovered). The page is the file the
 * README shows (docs/snippets/pages/room/room.ts), run as it is; the second example is the code between
 * its markers below, which docs/local-cloud.md shows (tests/docs/snippets.test.ts holds both to it).
 */
import fs from 'fs';
import ts from 'typescript';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../../emulator/client/client';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SELF = fs.readFileSync(__filename, 'utf8');

/** This file's code between the markers `--- <name> starts here ---` and `ends here`, dedented. */
function region(name: string): string {
  const lines = SELF.split('\n');
  const start = lines.findIndex((l) => l.includes(`--- ${name} starts here ---`));
  const end = lines.findIndex((l) => l.includes(`--- ${name} ends here ---`));
  if (start < 0 || end < start) throw new Error(`no region ${name}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return body.map((l) => l.slice(indent)).join('\n').trim();
}


/** Polls until `ok()`; fails naming `what` after 10 s. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Runs a page of docs/snippets/ as the mini program runtime would: its import of the SDK gets the
 * SDK (from source here; tests/sdk/jrtcSeed.test.ts runs the built bundle), the names it takes from
 * the app around it (docs/snippets/typings/context.d.ts) come from `scope`.
 */
function runSnippet(file: string, scope: Record<string, unknown>): void {
  const source = fs.readFileSync(path.join(ROOT, 'docs', 'snippets', file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017, esModuleInterop: true },
  });
  const requireSdk = (id: string): unknown => {
    if (id !== '../../lib/jrtc-miniapp.min') throw new Error(`${file} imports ${id}`);
    return { __esModule: true, default: JRTCMiniappClient };
  };
  new Function('require', 'exports', ...Object.keys(scope), outputText)(requireSdk, {}, ...Object.values(scope));
}

test('the README and the docs show these examples verbatim', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'snippets', 'pages', 'room', 'room.ts'), 'utf8').trim();
  expect(README).toContain(page);
  // docs/local-cloud.md shows 'README example' as a block naming this file (tests/docs/snippets.test.ts checks it).
  expect(region('README example')).toContain('cloud.clock.advance(10_000);');
});

/** What the page's methods get as `this`, besides its own options. */
interface PageThis {
  setData(patch: Record<string, unknown>): void;
}

/** The JRTC page's instance, as the test drives it. */
interface RoomPage {
  data: Record<string, unknown>;
  onLoad(query: Record<string, string>): Promise<void>;
  goOnStage(): Promise<void>;
  republish(): Promise<void>;
  lists(): Promise<void>;
  raiseHand(): Promise<unknown>;
  onUnload(): Promise<void>;
}

test('README example: a JRTC page on the local cloud', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false });
  const g = globalThis as { wx?: { cloud: CloudClient } };
  // The local cloud's app and media domains.
  const appId = 'demo-app';
  const pushDomain = '127.0.0.1:1935';
  const pullDomain = '127.0.0.1:1935';

  /** The page as the mini program runtime loads it for one WeChat user (its own `wx.cloud`). */
  function loadPage(openid: string): { page: RoomPage; open(query: Record<string, string>): Promise<void> } {
    const wxCloud = createCloudClient({ url: cloud.url, openid });
    /** "Your server": here the issueToken action, for this user. */
    async function getToken(userId: string, userRoomId: string) {
      const issued = await wxCloud.callFunction({ name: 'jrtc', data: { action: 'issueToken', appId, userRoomId, userId } });
      return (issued.result as { ok: true; data: { token: string; nonce: string; timestamp: number } }).data;
    }
    let options: { data: Record<string, unknown> } = { data: {} };
    function Page<T extends { data: Record<string, unknown> }>(o: T & ThisType<T & PageThis>): void {
      options = o;
    }

    runSnippet('pages/room/room.ts', { Page, appId, pushDomain, pullDomain, getToken });

    const page = Object.create(options) as RoomPage & PageThis;
    page.data = { ...options.data };
    page.setData = (patch) => Object.assign(page.data, patch);
    return {
      page,
      open(query) {
        g.wx = { cloud: wxCloud }; // init takes the global wx.cloud
        return page.onLoad(query);
      },
    };
  }

  const rtmp = /^rtmp:\/\/127\.0\.0\.1:1935\//;
  const teacher = loadPage('openid-page-t');
  await teacher.open({ userId: 'teacher', room: 'lesson-2', nickName: 'Ms T' });
  expect(teacher.page.data.counts).toEqual({ total: 1, broadcasterCount: 0, audienceCount: 1 });
  await teacher.page.goOnStage();
  expect(teacher.page.data.pushUrl).toMatch(rtmp);
  await teacher.page.republish();
  expect(teacher.page.data.pushUrl).toMatch(rtmp);

  const student = loadPage('openid-page-s');
  await student.open({ userId: 'student', room: 'lesson-2', nickName: 'Stu' });
  expect(student.page.data.players).toEqual([{ userId: 'teacher', url: expect.stringMatching(rtmp) }]);
  expect(student.page.data.counts).toEqual({ total: 2, broadcasterCount: 1, audienceCount: 1 });
  await until(() => student.page.data.notice === 'Ms T joined', 'UserJoinedRoom');

  // A custom signal to the room; the teacher answers to the student alone.
  await expect(student.page.raiseHand()).resolves.toEqual({
    code: 200,
    data: { eventName: 'raiseHand', nickName: 'Stu', userId: 'student', data: { seat: 3 } },
    reason: '',
  });
  await until(() => teacher.page.data.notice === 'Stu raised a hand', 'the room signal');
  await until(() => student.page.data.notice === 'Ms T saw your hand', 'the peer signal');

  await teacher.page.lists();
  expect(teacher.page.data).toMatchObject({
    anchors: [{ userId: 'teacher', nickName: 'Ms T', roomId: 'lesson-2', role: 1, peerId: 'teacher', hasAudio: true }],
    audience: [{ userId: 'student', nickName: 'Stu', roomId: 'lesson-2', role: 2, peerId: 'student' }],
    more: false,
  });

  // The teacher leaves: the student hears its stream stop and its departure.
  await teacher.page.onUnload();
  await until(() => (student.page.data.players as unknown[]).length === 0 && student.page.data.notice === 'Ms T left', 'UserLeavedRoom');
  await student.page.onUnload();
  delete g.wx;
  await cloud.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('README example: test a page flow against the local cloud', async () => {
  // --- README example starts here ---
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false });
  const config = { appId: 'demo-app', pushDomain: '127.0.0.1:1935', pullDomain: '127.0.0.1:1935' }; // the local cloud's app

  /** One simulated WeChat user: its own `wx.cloud`, an SDK client, a token from the jrtc function. */
  async function enter(openid: string, userId: string, role: 1 | 2) {
    const wxCloud = createCloudClient({ url: cloud.url, openid });
    const client = JRTCMiniappClient.init({ ...config, cloud: wxCloud });
    const issued = await wxCloud.callFunction({
      name: 'jrtc',
      data: { action: 'issueToken', appId: config.appId, userRoomId: 'lesson-1', userId, owner: role === 1 },
    });
    const token = (issued.result as { ok: true; data: { token: string; nonce: string; timestamp: number } }).data;
    const room = await client.joinRoom({ ...token, appId: config.appId, userId, userRoomId: 'lesson-1', role });
    return { wxCloud, client, room };
  }

  const teacher = await enter('openid-t', 'teacher', 1);
  const student = await enter('openid-s', 'student', 2);
  await new Promise<void>((resolve) => {
    if (teacher.room.counts.audienceCount === 1) resolve();
    else teacher.room.on('countsChanged', (counts) => counts.audienceCount === 1 && resolve());
  });
  expect(teacher.room.ownerUserId).toBe('teacher');

  cloud.clock.advance(10_000); // server time moves (leases, token expiry); a phone's clock moves with it only if its `timers` follow the cloud (emulator/client/clockTimers.ts)
  student.wxCloud.failWatches(); // the platform gives the student's watches up: the SDK watches again
  await new Promise<void>((resolve) => student.room.once('rosterSynced', () => resolve()));
  expect(student.room.members.map((m) => m.userId)).toContain('teacher');

  await Promise.all([teacher.client.destroy(), student.client.destroy()]);
  await cloud.stop();
  // --- README example ends here ---
  fs.rmSync(dataDir, { recursive: true, force: true });
});
