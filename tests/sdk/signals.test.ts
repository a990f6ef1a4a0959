import { emptyInbox, takeSignals } from '../../miniprogram/lib/src/signals';
import type { SignalInbox } from '../../miniprogram/lib/src/signals';
import type { WatchSnapshot } from '../../miniprogram/lib/src/cloud';

const doc = (id: string, from: string, seq: number, to = '*') => ({
  _id: id,
  roomKey: 'r',
  from,
  to,
  type: 't',
  payloadJson: JSON.stringify({ id }),
  seq,
  createdAt: 1000 + seq,
  expiresAt: 9999,
});
const init = (...docs: Array<Record<string, unknown>>): WatchSnapshot => ({ type: 'init', docs, docChanges: [] });
const added = (...docs: Array<Record<string, unknown>>): WatchSnapshot => ({
  docs: [],
  docChanges: docs.map((d) => ({ queueType: 'enqueue', dataType: 'add', docId: String(d._id), doc: d })),
});

function run(snapshots: WatchSnapshot[]): string[] {
  let inbox: SignalInbox = emptyInbox;
  const out: string[] = [];
  for (const s of snapshots) {
    const r = takeSignals(inbox, s, 'me');
    inbox = r.inbox;
    out.push(...r.signals.map((x) => `${x.from}:${(x.payload as { id: string }).id}:${x.direct ? 'direct' : 'room'}`));
  }
  return out;
}

describe('takeSignals', () => {
  test('the first snapshot is history; later additions come once, your own never', () => {
    expect(run([init(doc('old', 'a', 1)), added(doc('s1', 'a', 2), doc('mine', 'me', 1)), added(doc('s1', 'a', 2)), added(doc('s2', 'b', 1, 'me'))])).toEqual([
      'a:s1:room',
      'b:s2:direct',
    ]);
  });

  test('a re-watch delivers only what was missed, in sending order; unreadable documents are skipped', () => {
    const broken = { ...doc('bad', 'a', 5), payloadJson: '{' };
    expect(
      run([init(doc('old', 'a', 1)), added(doc('s1', 'a', 2)), init(doc('s1', 'a', 2), doc('s4', 'b', 4), doc('s3', 'a', 3), broken), init(doc('s4', 'b', 4))]),
    ).toEqual(['a:s1:room', 'a:s3:room', 'b:s4:room']);
  });
});
