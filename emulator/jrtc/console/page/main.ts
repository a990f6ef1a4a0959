/**
 * The room console page (served at /console by the local cloud): lists every room from a watch on
 * jrtc_rooms, shows the selected room's live roster and stage state from a watch on its
 * jrtc_members, and plays a publishing anchor's HTTP-FLV stream on request. The watches are the
 * ones the SDK opens, as an ordinary client ('console') under the database rules, which let any
 * client read both collections.
 */
import { toMembers, toRooms, isPublishing, type ConsoleMember, type ConsoleRoom } from './model';
import { createPlayerView, renderCalls, renderRoom, renderRooms, updatePlayerView, type PlayerView } from './render';
import { toCalls } from './callList';
import { StreamPlayer, type PlayerStats } from './streamPlayer';
import { ConsoleDatabase, fetchJson, type LiveQuery, type WatchState } from './liveQuery';

/** The identity the console's watches read as. */
const CONSOLE_OPENID = 'console';
/** The most rooms watched (listed most recently active first: the page sorts them). */
const ROOM_LIMIT = 200;
/** The most members a roster shows; the room's counts stay exact beyond it. */
const ROSTER_LIMIT = 1000;
const STATS_INTERVAL_MS = 250;
/** How often the recent calls are read again (no watch: the records are admin-only). */
const CALLS_INTERVAL_MS = 2000;

/** One stream the console listens to. */
interface Listening {
  userId: string;
  view: PlayerView;
  /** Null while the pull URL is on its way (or after it failed). */
  player: StreamPlayer | null;
  /** Set when getting the URL failed. */
  error: string | null;
  ended: boolean;
}

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the console page has no #${id}`);
  return node;
}

const roomList = byId('rooms').querySelector('ul') as HTMLElement;
const roomsEmpty = byId('rooms-empty');
const roomView = byId('room-view');
const playersPanel = byId('players');
const connection = byId('connection');
const callRows = byId('calls').querySelector('tbody') as HTMLElement;
const callsEmpty = byId('calls-empty');
byId('origin').textContent = location.origin;

const socket = new ConsoleDatabase(location.origin, CONSOLE_OPENID, (state: WatchState) => {
  connection.dataset.state = state;
  connection.textContent = state;
});

let rooms: ConsoleRoom[] = [];
// The room in the address (#room=<roomKey>, as select() writes it), if any.
let selected: string | null = new URLSearchParams(location.hash.slice(1)).get('room') || null;
let members: ConsoleMember[] = [];
let memberQuery: LiveQuery | null = null;
let roomError: string | null = null;
let audioContext: AudioContext | null = null;
const listening = new Map<string, Listening>();

function render(): void {
  renderRooms(roomList, rooms, selected, select);
  roomsEmpty.hidden = rooms.length > 0;
  const room = rooms.find((r) => r.roomKey === selected);
  renderRoom(roomView, room, members, { isPlaying, toggle: (m) => void toggle(m) }, roomError);
}

function isPlaying(userId: string): boolean {
  const l = listening.get(userId);
  if (l === undefined || l.ended || l.error !== null) return false;
  const state = l.player?.stats().state ?? 'loading';
  return state === 'loading' || state === 'playing';
}

/** Switches the roster to `roomKey`; streams of the previous room stop (its roster is no longer watched). */
function select(roomKey: string): void {
  if (roomKey === selected && memberQuery) return;
  for (const userId of [...listening.keys()]) stop(userId);
  memberQuery?.close();
  selected = roomKey;
  members = [];
  roomError = null;
  history.replaceState(null, '', `#room=${encodeURIComponent(roomKey)}`);
  memberQuery = socket.watch(
    { collection: 'jrtc_members', where: { roomKey }, limit: ROSTER_LIMIT },
    {
      onDocs: (docs) => {
        if (roomKey !== selected) return;
        members = toMembers(docs, roomKey);
        endStreamsThatStopped();
        render();
      },
      onError: (message) => {
        if (roomKey !== selected) return;
        roomError = `roster watch failed: ${message}`;
        render();
      },
    },
  );
  render();
}

/** A stream whose anchor stopped publishing or left ends here too (its media would stop anyway). */
function endStreamsThatStopped(): void {
  for (const l of listening.values()) {
    const m = members.find((x) => x.userId === l.userId);
    if ((!m || !isPublishing(m)) && !l.ended) {
      l.ended = true;
      l.player?.end();
      l.view.status.textContent = 'ended: no longer publishing';
      l.view.root.dataset.state = 'ended';
    }
  }
}

function stop(userId: string): void {
  const l = listening.get(userId);
  if (!l) return;
  listening.delete(userId);
  l.player?.destroy();
  l.view.root.remove();
}

/** Plays `m`'s stream, or stops it when it is playing. */
async function toggle(m: ConsoleMember): Promise<void> {
  if (isPlaying(m.userId)) {
    stop(m.userId);
    render();
    return;
  }
  stop(m.userId); // an ended or failed entry gives way to a fresh one
  // Created in the click itself: browsers only let a user gesture start audio.
  audioContext ??= new AudioContext();
  void audioContext.resume();
  const view = createPlayerView(m.userId, `${m.nickName || m.userId} (${m.userId})`);
  const entry: Listening = { userId: m.userId, view, player: null, error: null, ended: false };
  listening.set(m.userId, entry);
  playersPanel.append(view.root);
  render();
  try {
    if (!StreamPlayer.supported()) throw new Error('this browser cannot play live FLV (no Media Source Extensions)');
    const { flv } = await fetchJson('/v1/admin/console/pull', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roomKey: m.roomKey, userId: m.userId }),
    });
    if (typeof flv !== 'string' || !/^https?:\/\//.test(flv)) throw new Error('the pull answer has no FLV URL');
    if (listening.get(m.userId) !== entry) return; // stopped while the URL was on its way
    entry.player = new StreamPlayer(flv, audioContext);
    view.root.append(entry.player.audio);
    await entry.player.start();
  } catch (err) {
    entry.error = (err as Error).message;
  }
  render();
}

function statsOf(l: Listening): PlayerStats {
  if (l.error !== null) return { state: 'error', currentTime: 0, decodedBytes: 0, level: 0, peakHz: 0, error: l.error };
  if (!l.player) return { state: 'loading', currentTime: 0, decodedBytes: 0, level: 0, peakHz: 0 };
  return l.player.stats();
}

window.setInterval(() => {
  for (const l of listening.values()) if (!l.ended) updatePlayerView(l.view, statsOf(l));
}, STATS_INTERVAL_MS);

socket.watch(
  { collection: 'jrtc_rooms', limit: ROOM_LIMIT },
  {
    onDocs: (docs) => {
      rooms = toRooms(docs);
      if (selected === null) {
        // Open the busiest room at first sight, so `npm start` shows the demo class at once.
        const busiest = [...rooms].sort((a, b) => b.broadcasterCount + b.audienceCount - (a.broadcasterCount + a.audienceCount))[0];
        if (busiest && busiest.broadcasterCount + busiest.audienceCount > 0) return select(busiest.roomKey);
      } else if (!memberQuery) {
        return select(selected);
      }
      render();
    },
    onError: (message) => {
      roomsEmpty.hidden = false;
      roomsEmpty.textContent = `room watch failed: ${message}`;
    },
  },
);
render();

/** Reads the recent calls and redraws their list (a failed read says so and is tried again). */
async function refreshCalls(): Promise<void> {
  try {
    const calls = toCalls(await fetchJson('/v1/admin/console/calls'));
    renderCalls(callRows, calls, Date.now());
    callsEmpty.hidden = calls.length > 0;
    callsEmpty.textContent = 'No calls yet.';
  } catch (err) {
    callsEmpty.hidden = false;
    callsEmpty.textContent = `reading the calls failed: ${(err as Error).message}`;
  }
}
void refreshCalls();
window.setInterval(() => void refreshCalls(), CALLS_INTERVAL_MS);
