/**
 * Customer service, one to one: agent and customer are both anchors of a two-person room, each
 * publishing a microphone and playing the other's stream.
 */
import { platformCloud } from '../../utils/cloud';
import { PageSlots, mediaEventOf, userIdOf } from '../../utils/page';
import { readEntry } from '../../utils/query';
import { Stage, initialStageData } from '../../utils/stage';

const stages = new PageSlots<Stage>();

Component({
  data: { ...initialStageData(), room: '', part: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const stage = stages.set(this, new Stage(platformCloud(), (patch) => this.setData(patch)));
      try {
        const entry = readEntry('service', query);
        this.setData({ room: entry.userRoomId, part: entry.part });
        // A failed join is shown as the page's notice.
        stage.join(entry, 1).catch(() => undefined);
      } catch (err) {
        stage.report(err);
      }
    },
    onUnload() {
      // Returned for tests that wait for the leave; the framework ignores it.
      const stage = stages.take(this);
      return stage ? stage.leave().catch(() => undefined) : undefined;
    },
    toggleMute() {
      const muted = !this.data.muted;
      return stages.with(this, (s) => s.setMuted(muted));
    },
    onPusherEvent(e: WechatMiniprogram.CustomEvent) {
      stages.with(this, (s) => s.onPusherEvent(mediaEventOf(e)));
    },
    onPlayerEvent(e: WechatMiniprogram.CustomEvent) {
      stages.with(this, (s) => s.onPlayerEvent(userIdOf(e), mediaEventOf(e)));
    },
    hangUp() {
      const stage = stages.take(this);
      if (stage) stage.leave().catch(() => undefined);
      wx.navigateBack({ delta: 1 }).catch(() => undefined);
    },
  },
});
