/**
 * The console's DOM: the room list, the selected room (stage facts and roster), the listening
 * panel and the recent calls. Every string from the database goes in as text (never as HTML): nicknames are user input.
 */
import { type ConsoleMember, type ConsoleRoom, isPublishing } from './model';
import type { PlayerStats } from './streamPlayer';
import { partyWords, talkedWords, type ConsoleCall } from './callList';

type Child = Node | string | null | undefined | false;

/** Creates `<tag>` with attributes (strings; `false`/absent ones skipped) and children (text or nodes). */
export function el(tag: string, attrs: Record<string, string | false | undefined> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (typeof value === 'string') node.setAttribute(name, value);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Renders the room list into `list`; `onSelect` receives the clicked roomKey. */
export function renderRooms(list: HTMLElement, rooms: readonly ConsoleRoom[], selected: string | null, onSelect: (roomKey: string) => void): void {
  list.replaceChildren(
    ...rooms.map((r) => {
      const people = r.broadcasterCount + r.audienceCount;
      const button = el(
        'button',
        { type: 'button' },
        r.userRoomId,
        el('span', { class: 'sub' }, `${r.appId} · ${r.broadcasterCount} anchor(s), ${r.audienceCount} listener(s)`),
      );
      button.addEventListener('click', () => onSelect(r.roomKey));
      return el('li', { 'data-room-key': r.roomKey, 'aria-current': String(r.roomKey === selected), 'data-empty': String(people === 0) }, button);
    }),
  );
}

/** What the roster needs to know about listening. */
export interface RosterPlayback {
  /** True while the console is playing (or loading) this user's stream. */
  isPlaying(userId: string): boolean;
  /** Play or stop this member's stream. */
  toggle(member: ConsoleMember): void;
}

/** Renders the selected room: title, stage facts, and the live roster with a play button per publishing anchor. */
export function renderRoom(view: HTMLElement, room: ConsoleRoom | undefined, members: readonly ConsoleMember[], playback: RosterPlayback, error: string | null): void {
  if (!room) return view.replaceChildren(el('p', { class: 'muted' }, 'Choose a room.'));
  const hands = members.filter((m) => m.handRaised === true);
  const fact = (key: string, label: string, value: string): HTMLElement => el('li', { 'data-fact': key }, `${label}: `, el('b', {}, value));
  const facts = el(
    'ul',
    { class: 'facts', id: 'room-facts' },
    fact('policy', 'Stage policy', room.stagePolicy),
    fact('cap', 'Stage cap', room.maxAnchors === undefined ? 'none' : `${room.maxAnchors} anchors`),
    fact('owner', 'Owner', room.ownerUserId || '—'),
    fact('anchors', 'Anchors', String(room.broadcasterCount)),
    fact('audience', 'Audience', String(room.audienceCount)),
    fact('roster', 'In roster', String(members.length)),
    fact('hands', 'Raised hands', hands.length === 0 ? 'none' : hands.map((m) => m.nickName || m.userId).join(', ')),
  );
  const rows = members.map((m) => {
    const tags = [
      isPublishing(m) ? el('span', { class: 'tag live' }, 'live') : null,
      m.stream.muted ? el('span', { class: 'tag' }, m.stream.adminMuted ? 'muted by owner' : 'muted') : null,
      m.handRaised ? el('span', { class: 'tag hand' }, 'hand raised') : null,
      m.invited ? el('span', { class: 'tag' }, 'invited') : null,
      m.userId === room.ownerUserId ? el('span', { class: 'tag' }, 'owner') : null,
    ];
    let action: HTMLElement | null = null;
    if (isPublishing(m)) {
      const playing = playback.isPlaying(m.userId);
      action = el('button', { type: 'button', class: 'play', 'data-user-id': m.userId, 'data-playing': String(playing) }, playing ? 'Stop' : 'Play');
      action.addEventListener('click', () => playback.toggle(m));
    }
    return el(
      'tr',
      { 'data-user-id': m.userId, 'data-role': m.role === 1 ? 'anchor' : 'audience' },
      el('td', {}, m.nickName || m.userId),
      el('td', {}, m.userId),
      el('td', {}, m.role === 1 ? 'anchor' : 'audience'),
      el('td', {}, ...tags),
      el('td', {}, action),
    );
  });
  const parts: Child[] = [
    el('h2', {}, room.userRoomId, el('span', { class: 'sub' }, `${room.appId} · ${room.roomKey}`)),
    facts,
    error ? el('p', { class: 'error' }, error) : null,
    el(
      'table',
      { id: 'roster' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'User ID'), el('th', {}, 'Role'), el('th', {}, 'State'), el('th', {}, ''))),
      el('tbody', {}, ...rows),
    ),
    members.length === 0 ? el('p', { class: 'muted' }, 'Nobody is in this room.') : null,
  ];
  view.replaceChildren(...parts.filter((p): p is Node | string => p !== null && p !== undefined && p !== false));
}

/** The DOM of one listening entry: its root (which also holds the <audio>) and the parts that change. */
export interface PlayerView {
  root: HTMLElement;
  status: HTMLElement;
  meter: HTMLElement;
}

/** Creates the listening entry for `label` (the <audio> element is appended by the caller). */
export function createPlayerView(userId: string, label: string): PlayerView {
  const status = el('span', { class: 'sub' }, 'loading…');
  const meter = el('div');
  const root = el('div', { class: 'player', 'data-user-id': userId, 'data-state': 'loading' }, el('span', {}, label, status), el('div', { class: 'meter' }, meter));
  return { root, status, meter };
}

/**
 * Shows `stats` on a listening entry; the figures also go on data-* attributes (data-state,
 * data-level, data-peak-hz, data-current-time, data-decoded-bytes) for scripts and tests.
 */
export function updatePlayerView(view: PlayerView, stats: PlayerStats): void {
  view.root.dataset.state = stats.state;
  view.root.dataset.level = stats.level.toFixed(4);
  view.root.dataset.peakHz = stats.peakHz.toFixed(1);
  view.root.dataset.currentTime = stats.currentTime.toFixed(2);
  view.root.dataset.decodedBytes = String(stats.decodedBytes);
  const tone = stats.peakHz > 0 ? ` · ${Math.round(stats.peakHz)} Hz` : '';
  view.status.textContent =
    stats.state === 'error' ? `error: ${stats.error ?? 'unknown'}` : `${stats.state} · ${stats.currentTime.toFixed(1)} s${tone}`;
  view.status.className = stats.state === 'error' ? 'sub error' : 'sub';
  // RMS of a full-scale sine is 0.71; scale so ordinary speech fills a useful part of the bar.
  view.meter.style.width = `${Math.min(100, Math.round(stats.level * 300))}%`;
}

/** Renders the recent calls as table rows into `rows`: room, parties and how each ended, state, talked. */
export function renderCalls(rows: HTMLElement, calls: readonly ConsoleCall[], now: number): void {
  rows.replaceChildren(
    ...calls.map((c) =>
      el(
        'tr',
        { 'data-call-id': c.callId, 'data-state': c.state },
        el('td', {}, new Date(c.createdAt).toLocaleTimeString()),
        el('td', {}, c.parties.map(partyWords).join(' → ')),
        el('td', {}, el('span', { class: c.state === 'ended' ? 'tag' : 'tag live' }, c.state)),
        el('td', {}, talkedWords(c, now)),
        el('td', { class: 'sub' }, c.userRoomId),
      ),
    ),
  );
}
