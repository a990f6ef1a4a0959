/**
 * Customer service, one to one, as a real call: the agent rings the customer by userId, the
 * customer's phone rings, both talk. The logic lives in serviceDesk.ts.
 */
import { platformCloud, platformVoip } from '../../utils/cloud';
import { PageSlots, mediaEventOf, userIdOf } from '../../utils/page';
import { ServiceDesk, initialServiceData } from './serviceDesk';
import { readServiceEntry } from './serviceEntry';

const desks = new PageSlots<ServiceDesk>();

Component({
  data: initialServiceData(),
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const desk = desks.set(this, new ServiceDesk(platformCloud(), (patch) => this.setData(patch), platformVoip()));
      try {
        // A failure is shown as the page's notice.
        desk.open(readServiceEntry(query)).catch(() => undefined);
      } catch (err) {
        this.setData({ notice: String((err as Error).message || err) });
      }
    },
    onUnload() {
      // Returned for tests that wait for the call to end; the framework ignores it.
      const desk = desks.take(this);
      return desk ? desk.close().catch(() => undefined) : undefined;
    },
    onCalleeInput(e: WechatMiniprogram.Input) {
      desks.with(this, (d) => d.setCallee(e.detail.value));
    },
    ring() {
      return desks.with(this, (d) => d.ring(this.data.callee));
    },
    accept() {
      return desks.with(this, (d) => d.accept());
    },
    hangUp() {
      return desks.with(this, (d) => d.hangUp());
    },
    allowRing() {
      return desks.with(this, (d) => d.allowRingWhenClosed());
    },
    toggleMute() {
      const muted = !this.data.muted;
      return desks.with(this, (d) => d.setMuted(muted));
    },
    onPusherEvent(e: WechatMiniprogram.CustomEvent) {
      desks.with(this, (d) => d.media && d.media.onPusherEvent(mediaEventOf(e)));
    },
    onPlayerEvent(e: WechatMiniprogram.CustomEvent) {
      desks.with(this, (d) => d.media && d.media.onPlayerEvent(userIdOf(e), mediaEventOf(e)));
    },
    leave() {
      const desk = desks.take(this);
      if (desk) desk.close().catch(() => undefined);
      wx.navigateBack({ delta: 1 }).catch(() => undefined);
    },
  },
});
