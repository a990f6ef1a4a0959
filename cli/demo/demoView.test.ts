import type { Member } from '../../shared/common';
import { DemoView } from './demoView';
import type { RosterState } from './demoView';

/** A terminal that keeps what was written. */
function terminal(): { out: { isTTY: true; columns: number; write(t: string): boolean }; text(): string } {
  let written = '';
  return {
    out: { isTTY: true, columns: 100, write: (t: string) => ((written += t), true) },
    text: () => written,
  };
}

const teacher: Member = {
  userId: 'teacher',
  nickName: 'Teacher Li',
  peerId: 'p',
  role: 1,
  stream: { streamId: 's', publishing: true, muted: false },
  joinedAt: 1,
  version: 1,
};

const live: RosterState = {
  roomId: 'demo-class-x',
  members: [teacher],
  raisedHands: [],
  counts: { total: 1, broadcasterCount: 1, audienceCount: 0 },
  ownerId: 'teacher',
  state: 'connected',
  clockOffsetMs: 0,
};

test('the last frame on a terminal is the final state it is given, not the last roster the teacher heard', () => {
  const t = terminal();
  const view = new DemoView(t.out);
  view.start(2);
  view.event({ who: 'teacher', event: 'UserJoinedRoom', subject: 'teacher', detail: '' }, live);
  view.stop(2, { ...live, members: [], counts: { total: 0, broadcasterCount: 0, audienceCount: 0 }, state: 'class over' });
  const lastFrame = t.text().slice(t.text().lastIndexOf('JRTC demo class'));
  expect(lastFrame).toContain('(class over,');
  expect(lastFrame).toContain('Counts: 0 anchor(s), 0 audience, 0 in the room');
  expect(lastFrame).not.toContain('Teacher Li');
});
