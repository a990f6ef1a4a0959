/**
 * The room console in real Chromium (Debian's, driven by playwright-core) against a local cloud in
 * its own process with its media server: the roster follows joins, hands and leaves without a
 * reload, and a publishing anchor's tone actually plays in the page's <audio> element. Saves a
 * screenshot to tests/artifacts/console.png.
 */
import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from './helpers/chromium';
import { startCloudProcess } from './helpers/cloudProcess';
import type { CloudProcess } from './helpers/cloudProcess';
import { killAll, pushTone, requireFfmpeg } from './helpers/ffmpeg';
import { APP_ID, callOk, joinAs } from './helpers/room';
import type { Joined } from './helpers/room';

jest.setTimeout(120_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const ROOM = 'console-class';
const ROOM_KEY = `${APP_ID}:${ROOM}`;
const TONE_HZ = 440;

let cloud: CloudProcess;
let browser: Browser;
let page: Page;
let loads = 0;
const pageErrors: string[] = [];
let teacher: Joined;

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const row = (userId: string) => page.locator(`#roster tr[data-user-id="${userId}"]`);
const fact = (key: string) => page.locator(`#room-facts [data-fact="${key}"] b`);
const factText = (key: string) => () => fact(key).textContent({ timeout: 5_000 });

/** What the <audio> element of `userId`'s entry reports, read in the page independently of the page's own figures. */
interface ElementState {
  currentTime: number;
  decodedBytes: number;
  paused: boolean;
}

async function audioState(userId: string): Promise<ElementState | null> {
  const result: unknown = await page.evaluate(`(() => {
    const a = document.querySelector('.player[data-user-id="${userId}"] audio');
    return a ? { currentTime: a.currentTime, decodedBytes: a.webkitAudioDecodedByteCount, paused: a.paused } : null;
  })()`);
  if (result === null) return null;
  const r = result as Partial<ElementState>;
  if (typeof r.currentTime !== 'number' || typeof r.decodedBytes !== 'number' || typeof r.paused !== 'boolean') {
    throw new Error(`unexpected element state ${JSON.stringify(result)}`);
  }
  return { currentTime: r.currentTime, decodedBytes: r.decodedBytes, paused: r.paused };
}

beforeAll(async () => {
  requireChromium();
  requireFfmpeg();
  cloud = await startCloudProcess({ media: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
  page.on('load', () => {
    loads += 1;
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  killAll();
  await browser?.close();
  await cloud?.stop();
});

test('the console lists the room and follows its roster without a reload', async () => {
  await page.goto(`${cloud.url}/console`);
  await page.locator('#connection[data-state="open"]').waitFor();

  teacher = await joinAs(cloud.url, ROOM, 'teacher', 1);
  const roomItem = page.locator(`#rooms li[data-room-key="${ROOM_KEY}"]`);
  await roomItem.waitFor();
  await roomItem.locator('button').click();
  await row('teacher').waitFor();
  expect(await row('teacher').getAttribute('data-role')).toBe('anchor');
  await waitFor('the owner', factText('owner'), (t) => t === 'teacher');
  await waitFor('the stage policy', factText('policy'), (t) => t === 'open');
  expect(await fact('cap').textContent()).toBe('none');
  await callOk(teacher.client, 'setStagePolicy', { ...teacher.session, policy: 'open', maxAnchors: 4 });
  await waitFor('the stage cap', factText('cap'), (t) => t === '4 anchors');

  const s1 = await joinAs(cloud.url, ROOM, 'student-1', 2);
  const s2 = await joinAs(cloud.url, ROOM, 'student-2', 2);
  await row('student-1').waitFor();
  await row('student-2').waitFor();
  await waitFor('two listeners', factText('audience'), (t) => t === '2');
  expect(await fact('anchors').textContent()).toBe('1');
  expect(await fact('roster').textContent()).toBe('3');

  await callOk(s1.client, 'raiseHand', s1.session);
  await waitFor('the raised hand', factText('hands'), (t) => t === 'student-1');
  await expect(row('student-1').textContent()).resolves.toContain('hand raised');

  await callOk(s2.client, 'leaveRoom', s2.session);
  await row('student-2').waitFor({ state: 'detached' });
  await waitFor('one listener', factText('audience'), (t) => t === '1');
  expect(await fact('roster').textContent()).toBe('2');
  expect(await roomItem.textContent()).toContain('1 anchor(s), 1 listener(s)');

  expect(loads).toBe(1);
  expect(pageErrors).toEqual([]);
});

test('a publishing anchor gets a play button, and its tone plays in the page', async () => {
  expect(teacher).toBeDefined();
  const pub = await callOk(teacher.client, 'publish', teacher.session);
  // Publishing by the room state, nothing arriving yet: the console says so instead of a player that waits forever.
  const early = await fetch(`${cloud.url}/v1/admin/console/pull`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roomKey: ROOM_KEY, userId: 'teacher' }),
  });
  expect(early.status).toBe(409);
  expect(((await early.json()) as { errMsg: string }).errMsg).toMatch(/no audio reaches the local media server/);
  const push = pushTone(pub.pushUrl, 90, TONE_HZ);
  await waitFor(
    'the media server to accept the push',
    async () => ((await cloud.info()).media as { streams: { path: string; publishing: boolean }[] }).streams,
    (streams) => streams.some((s) => s.path.endsWith(`/${pub.streamId}`) && s.publishing),
  );
  expect(push.exited()).toBe(false);

  const play = page.locator('button.play[data-user-id="teacher"]');
  await play.waitFor();
  expect(await page.locator('button.play').count()).toBe(1); // audience members have none
  await play.click();

  const entry = page.locator('.player[data-user-id="teacher"]');
  await entry.waitFor();
  const first = await waitFor('the element to play', () => audioState('teacher'), (s) => s !== null && !s.paused && s.currentTime > 0.5);
  const later = await waitFor('playback to advance', () => audioState('teacher'), (s) => s !== null && s.currentTime > first!.currentTime + 1);
  expect(later!.decodedBytes).toBeGreaterThan(0);
  expect(await entry.getAttribute('data-state')).toBe('playing');

  // The page's analyser hears the tone: a level above silence, loudest near 440 Hz (bins are ~11.7 Hz).
  const peak = await waitFor('the analyser to hear the tone', async () => Number(await entry.getAttribute('data-peak-hz')), (hz) => hz > 0);
  expect(Math.abs(peak - TONE_HZ)).toBeLessThan(25);
  expect(Number(await entry.getAttribute('data-level'))).toBeGreaterThan(0.01);
  expect(await play.textContent()).toBe('Stop');

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'console.png'), fullPage: true });

  // Unpublishing ends the stream in the page and takes the play button away.
  await callOk(teacher.client, 'unpublish', teacher.session);
  await waitFor('the entry to end', () => entry.getAttribute('data-state'), (s) => s === 'ended');
  await play.waitFor({ state: 'detached' });
  expect(pageErrors).toEqual([]);
});
