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

/**
 * The anchors among `members`, in joining order, as seats. `urls` holds the pull URL per userId
 * (from streamPublished / pullUrlChanged); only the first `maxPlayers` other seats get one.
 */
export function seatsOf(
  members: readonly Member[],
  me: string,
  urls: Readonly<Record<string, string>>,
  speaker: string,
  maxPlayers: number = MAX_PLAYERS,
): Seat[] {
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
        muted: m.stream.muted,
        speaking: speaker !== '' && speaker === m.userId,
        url,
      };
    });
}
