/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The meeting page on one local cloud: everyone publishes and plays the others, volume reports from
 * the players pick the active speaker, and the meeting's owner mutes everyone at once (muteAll,
 * heard by the others as GlobalMute). (The service page, a call: service-call.test.ts.)
 */
import { fire, setupPageTest, texts, waitForData } from './harness';
import type { PageTestContext, SimPage } from './harness';

interface SeatData {
  userId: string;
  self: boolean;
  url: string;
  speaking: boolean;
  muted: boolean;
}

let ctx: PageTestContext;

beforeAll(async () => {
  ctx = await setupPageTest();
});

afterAll(async () => {
  await ctx.cleanup();
});

const seats = (data: Record<string, unknown>): SeatData[] => data.seats as SeatData[];
const playing = (data: Record<string, unknown>): string[] => seats(data).filter((s) => s.url).map((s) => s.userId);
const seatOf = (data: Record<string, unknown>, userId: string): SeatData => {
  const seat = seats(data).find((s) => s.userId === userId);
  if (!seat) throw new Error(`no seat of ${userId}`);
  return seat;
};

function enter(page: 'meeting', room: string, user: string, part: string): SimPage {
  return ctx.open(page, ctx.user(`openid-${user}`), { room, user, nick: user, part });
}

test('meeting: everyone on stage, the loudest player is the active speaker', async () => {
  const pages = ['ann', 'bob', 'cy'].map((u) => enter('meeting', 'weekly', u, 'member'));
  const [ann] = pages;
  for (const page of pages) {
    await waitForData(page, (d) => d.pushUrl !== '' && playing(d).length === 2, 'everyone publishing and playing the two others');
  }
  expect(texts(ann, '.counts')).toEqual(['3 in the meeting']);
  expect(ann.querySelectorAll('.speaking')).toHaveLength(0);

  // Volume reports as the players emit them: bob loud, cy quiet.
  const players = ann.querySelectorAll('.player');
  expect(players).toHaveLength(2);
  const player = (userId: string) => players.find((p) => p.dom.getAttribute('data-user-id') === userId);
  await fire(player('cy'), 'audiovolumenotify', { volume: 5 });
  await fire(player('bob'), 'audiovolumenotify', { volume: 70 });
  const speaking = await waitForData(ann, (d) => d.speaker !== '', 'an active speaker');
  expect(speaking.speaker).toBe('bob');
  expect(seats(speaking).filter((s) => s.speaking).map((s) => s.userId)).toEqual(['bob']);
  expect(ann.querySelectorAll('.seat.speaking')).toHaveLength(1);
  expect(texts(ann, '.talking')).toEqual(['speaking']);
});

test("meeting: the owner mutes everyone (muteAll); the others hear GlobalMute, a late joiner too; lifted again", async () => {
  // The first to arrive owns the room.
  const host = enter('meeting', 'standup', 'hana', 'member');
  await waitForData(host, (d) => d.state === 'connected' && d.pushUrl !== '', 'the host publishing');
  const guest = enter('meeting', 'standup', 'ian', 'member');
  await waitForData(guest, (d) => d.pushUrl !== '' && playing(d).join() === 'hana', 'the guest publishing and playing the host');
  await waitForData(host, (d) => playing(d).join() === 'ian', 'the host playing the guest');
  expect([host.data.owner, guest.data.owner]).toEqual([true, false]);
  expect(texts(host, '.mute-all')).toEqual(['Mute all']);
  expect(guest.querySelector('.mute-all')).toBeUndefined();

  await fire(host.querySelector('.mute-all'), 'tap');
  // Only the room document changed: the guest's page redraws on GlobalMute.
  const muted = await waitForData(guest, (d) => d.allMuted === true, 'GlobalMute at the guest');
  expect(muted.muted).toBe(true);
  expect(seatOf(muted, 'hana').muted).toBe(false);
  expect(texts(guest, '.all-muted')).toEqual(['The host muted everyone']);
  const hosted = await waitForData(host, (d) => d.allMuted === true, 'the mute at the host');
  expect(hosted.muted).toBe(false);
  expect(seatOf(hosted, 'ian').muted).toBe(true);
  expect(texts(host, '.mute-all')).toEqual(['Unmute all']);
  expect(texts(host, '.all-muted')).toEqual(['You muted everyone']);

  // Who joins a muted room is muted at once.
  const late = enter('meeting', 'standup', 'jo', 'member');
  await waitForData(late, (d) => d.state === 'connected' && d.pushUrl !== '', 'the late joiner publishing');
  expect(late.data).toMatchObject({ allMuted: true, muted: true, owner: false });

  await fire(host.querySelector('.mute-all'), 'tap');
  for (const page of [guest, late]) await waitForData(page, (d) => d.allMuted === false && d.muted === false, 'CancelGlobalMute');
  expect(guest.querySelector('.all-muted')).toBeUndefined();
  expect(host.data.notice).toBe('');
  for (const page of [late, guest, host]) await ctx.close(page);
});
