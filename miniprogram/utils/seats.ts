/**
 * The stage as the pages draw it: one seat per anchor, with the pull URL its `<live-player>` plays.
 * Pure, so every roster event simply recomputes it.
 */
import type { Member } from '../lib/jrtc-miniapp.min';
import { MAX_PLAYERS } from './config';

/** One anchor on the stage. */
export interface Seat {
  userId: string;
  nickName: string;
  /** This seat is yours (your `<live-pusher>` plays it, never a player). */
  self: boolean;
  publishing: boolean;
  muted: boolean;
  /** The loudest voice right now (active speaker). */
  speaking: boolean;
  /** What its `<live-player>` plays; '' for yourself, a stream not signed yet, or beyond MAX_PLAYERS. */
  url: string;
}

/** How seatsOf draws beyond the roster. */
export interface SeatOptions {
  /** How many other seats get a player (default MAX_PLAYERS). */
  maxPlayers?: number;
  /** The owner's userId while it muted the whole room (muteAll): every other seat shows muted. */
  allMutedBut?: string;
}

/**
 * The anchors among `members`, in joining order, as seats. `urls` holds the pull URL per userId
 * (from StreamPublished / pullUrlChanged); only the first `maxPlayers` other seats get one.
 */
export function seatsOf(
  members: readonly Member[],
  me: string,
  urls: Readonly<Record<string, string>>,
  speaker: string,
  options: SeatOptions = {},
): Seat[] {
  const maxPlayers = options.maxPlayers === undefined ? MAX_PLAYERS : options.maxPlayers;
  const { allMutedBut } = options;
  let players = 0;
  return members
    .filter((m) => m.role === 1)
    .sort((a, b) => a.joinedAt - b.joinedAt || (a.userId < b.userId ? -1 : 1))
    .map((m) => {
      const self = m.userId === me;
      let url = !self && m.stream.publishing ? urls[m.userId] || '' : '';
      if (url && (players += 1) > maxPlayers) url = '';
      return {
        userId: m.userId,
        nickName: m.nickName || m.userId,
        self,
        publishing: m.stream.publishing,
        muted: m.stream.muted || (allMutedBut !== undefined && m.userId !== allMutedBut),
        speaking: speaker !== '' && speaker === m.userId,
        url,
      };
    });
}
