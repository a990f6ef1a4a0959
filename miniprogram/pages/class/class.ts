/**
 * Online class: the teacher (anchor and owner, invite-only stage) talks and calls students on
 * stage; students listen, raise a hand and speak once invited. The logic lives in classroom.ts.
 */
import { platformCloud } from '../../utils/cloud';
import { PageSlots, mediaEventOf, userIdOf } from '../../utils/page';
import { readEntry } from '../../utils/query';
import { Classroom, initialClassData } from './classroom';

const classrooms = new PageSlots<Classroom>();

Component({
  data: initialClassData(),
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const classroom = classrooms.set(this, new Classroom(platformCloud(), (patch) => this.setData(patch)));
      try {
        // A failed join is shown as the page's notice.
        classroom.open(readEntry('class', query)).catch(() => undefined);
      } catch (err) {
        classroom.stage.report(err);
      }
    },
    onUnload() {
      // Returned for tests that wait for the leave; the framework ignores it.
      const classroom = classrooms.take(this);
      return classroom ? classroom.leave().catch(() => undefined) : undefined;
    },
    toggleHand() {
      return classrooms.with(this, (c) => c.toggleHand());
    },
    accept() {
      return classrooms.with(this, (c) => c.accept());
    },
    decline() {
      classrooms.with(this, (c) => c.decline());
    },
    invite(e: WechatMiniprogram.BaseEvent) {
      return classrooms.with(this, (c) => c.invite(userIdOf(e)));
    },
    promote(e: WechatMiniprogram.BaseEvent) {
      return classrooms.with(this, (c) => c.promote(userIdOf(e)));
    },
    demote(e: WechatMiniprogram.BaseEvent) {
      return classrooms.with(this, (c) => c.demote(userIdOf(e)));
    },
    onPusherEvent(e: WechatMiniprogram.CustomEvent) {
      classrooms.with(this, (c) => c.stage.onPusherEvent(mediaEventOf(e)));
    },
    onPlayerEvent(e: WechatMiniprogram.CustomEvent) {
      classrooms.with(this, (c) => c.stage.onPlayerEvent(userIdOf(e), mediaEventOf(e)));
    },
    leaveRoom() {
      const classroom = classrooms.take(this);
      if (classroom) classroom.leave().catch(() => undefined);
      wx.navigateBack({ delta: 1 }).catch(() => undefined);
    },
  },
});
