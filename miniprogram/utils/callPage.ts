/**
 * The page methods of an all-anchor scenario (the meeting; customer service is a call, see
 * pages/service/serviceDesk.ts): join on load as an
 * anchor, leave on unload or on the leave button, mute, the owner's mute of everyone (the meeting
 * page offers it), and media events into the SDK's handlers.
 */
import { platformCloud, platformVoip } from './cloud';
import { PageSlots, mediaEventOf, userIdOf } from './page';
import { readEntry } from './query';
import type { RoomEntry, Scenario } from './query';
import { Stage } from './stage';

/** What a call page's `this` offers these methods (a Component instance). */
interface CallPage {
  data: { muted: boolean; allMuted: boolean };
  setData(patch: Record<string, unknown>): void;
}

/**
 * The `methods` of a page where everyone is an anchor. `shown` picks what of the entry the page
 * displays besides its stage.
 */
export function callPageMethods(scenario: Scenario, shown: (entry: RoomEntry) => Record<string, unknown>) {
  const stages = new PageSlots<Stage>();
  return {
    onLoad(this: CallPage, query: Record<string, string | undefined>) {
      const stage = stages.set(this, new Stage(platformCloud(), (patch) => this.setData(patch), platformVoip()));
      try {
        const entry = readEntry(scenario, query);
        this.setData(shown(entry));
        // A failed join is shown as the page's notice.
        stage.join(entry, 1).catch(() => undefined);
      } catch (err) {
        stage.report(err);
      }
    },
    onUnload(this: CallPage) {
      // Returned for tests that wait for the leave; the framework ignores it.
      const stage = stages.take(this);
      return stage ? stage.leave().catch(() => undefined) : undefined;
    },
    toggleMute(this: CallPage) {
      const muted = !this.data.muted;
      return stages.with(this, (s) => s.setMuted(muted));
    },
    /** (Owner) Mutes or unmutes everyone else (the Room's muteAll: the JRTC form has no call for it); the others hear GlobalMute. */
    toggleMuteAll(this: CallPage) {
      const muted = !this.data.allMuted;
      return stages.with(this, (s) => s.run((room) => room.muteAll(muted)));
    },
    onPusherEvent(this: CallPage, e: WechatMiniprogram.CustomEvent) {
      stages.with(this, (s) => s.onPusherEvent(mediaEventOf(e)));
    },
    onPlayerEvent(this: CallPage, e: WechatMiniprogram.CustomEvent) {
      stages.with(this, (s) => s.onPlayerEvent(userIdOf(e), mediaEventOf(e)));
    },
    leaveRoom(this: CallPage) {
      const stage = stages.take(this);
      if (stage) stage.leave().catch(() => undefined);
      wx.navigateBack({ delta: 1 }).catch(() => undefined);
    },
  };
}
