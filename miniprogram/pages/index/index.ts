/**
 * The landing page: pick a scenario and your part, a nickname and a room, then enter. Your userId is
 * the cloud's to give: the one derived from your WeChat identity (the jrtc function's issueToken).
 */
import { entryUrl, isId } from '../../utils/query';
import { CHOICES, choiceOf } from './choices';

Component({
  data: {
    choices: CHOICES.slice(),
    selected: CHOICES[0].key,
    nickName: '',
    room: CHOICES[0].room,
    notice: '',
  },
  methods: {
    choose(e: WechatMiniprogram.BaseEvent) {
      const previous = choiceOf(this.data.selected);
      const next = choiceOf(String(e.currentTarget.dataset.key || ''));
      // Keep a room the user typed; follow the suggestion otherwise.
      const room = this.data.room === previous.room ? next.room : this.data.room;
      this.setData({ selected: next.key, room, notice: '' });
    },
    onNickInput(e: WechatMiniprogram.Input) {
      this.setData({ nickName: e.detail.value });
    },
    onRoomInput(e: WechatMiniprogram.Input) {
      this.setData({ room: e.detail.value.trim() });
    },
    enter() {
      const choice = choiceOf(this.data.selected);
      const { room } = this.data;
      if (!isId(room)) {
        this.setData({ notice: 'Room: use letters, digits or _ . @ - (at most 64)' });
        return;
      }
      const nickName = this.data.nickName.trim();
      const url = entryUrl({ scenario: choice.scenario, userRoomId: room, userId: '', nickName, part: choice.part });
      wx.navigateTo({ url }).catch((err: { errMsg?: string }) => this.setData({ notice: err.errMsg || 'could not open the page' }));
    },
  },
});
