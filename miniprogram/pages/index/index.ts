/**
 * The landing page: pick a scenario and your part, a nickname and a room, then enter. Your userId
 * is made once and kept in storage, so the cloud binds it to your WeChat identity only once.
 */
import { entryUrl, isId, newUserId } from '../../utils/query';
import { CHOICES, choiceOf } from './choices';

const USER_KEY = 'jrtc-demo-user';

/** Your stored userId, or a new one (stored). */
function ownUserId(): string {
  const stored: unknown = wx.getStorageSync(USER_KEY);
  if (isId(stored)) return stored;
  const id = newUserId();
  wx.setStorageSync(USER_KEY, id);
  return id;
}

Component({
  data: {
    choices: CHOICES.slice(),
    selected: CHOICES[0].key,
    nickName: '',
    room: CHOICES[0].room,
    userId: '',
    notice: '',
  },
  methods: {
    onLoad() {
      this.setData({ userId: ownUserId() });
    },
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
      const { room, userId } = this.data;
      if (!isId(room)) {
        this.setData({ notice: 'Room: use letters, digits or _ . @ - (at most 64)' });
        return;
      }
      const nickName = this.data.nickName.trim() || userId;
      const url = entryUrl({ scenario: choice.scenario, userRoomId: room, userId, nickName, part: choice.part });
      wx.navigateTo({ url }).catch((err: { errMsg?: string }) => this.setData({ notice: err.errMsg || 'could not open the page' }));
    },
  },
});
