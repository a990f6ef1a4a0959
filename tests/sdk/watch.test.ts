import type { WatchHandlers, WatchSnapshot } from '../../miniprogram/lib/src/cloud';
import { DefaultReconnectPolicy } from '../../miniprogram/lib/src/reconnect';
import type { ReconnectContext } from '../../miniprogram/lib/src/reconnect';
import { resilientWatch } from '../../miniprogram/lib/src/watch';
import { ManualTimers } from '../helpers/manualTimers';

/** A stand-in for the platform's watch: the test decides what each opened watch does. */
class FakeWatchable {
  readonly opened: Array<{ handlers: WatchHandlers; closed: boolean }> = [];
  /** Errors the next opens fail with synchronously (like -402002 right after close()). */
  failNextOpens: unknown[] = [];

  open = (handlers: WatchHandlers) => {
    const entry = { handlers, closed: false };
    this.opened.push(entry);
    const failure = this.failNextOpens.shift();
    if (failure !== undefined) handlers.onError(failure);
    return {
      close: () => {
        entry.closed = true;
        return Promise.reject(new Error('already gone'));
      },
    };
  };

  get latest() {
    return this.opened[this.opened.length - 1];
  }
}

const snap = (type?: string): WatchSnapshot => ({ type, docChanges: [], docs: [] });

describe('resilient watch', () => {
  test('re-watches after errors with the policy delays, also when the re-watch itself fails (-402002)', async () => {
    const timers = new ManualTimers();
    const fake = new FakeWatchable();
    const health: string[] = [];
    const contexts: ReconnectContext[] = [];
    const policy = new DefaultReconnectPolicy([1000, 2000, 5000]);
    const snapshots: Array<string | undefined> = [];
    resilientWatch({
      open: fake.open,
      policy: { nextRetryDelayInMs: (ctx) => (contexts.push(ctx), policy.nextRetryDelayInMs(ctx)) },
      timers,
      onSnapshot: (s) => snapshots.push(s.type),
      onHealth: (ok) => health.push(ok ? 'up' : 'down'),
      onGiveUp: () => health.push('gave up'),
    });
    fake.latest.handlers.onChange(snap('init'));
    fake.failNextOpens = [{ errCode: -402002 }, { errCode: -402002 }];
    fake.latest.handlers.onError(new Error('socket closed'));
    expect(fake.opened[0].closed).toBe(true);
    await timers.advance(999);
    expect(fake.opened).toHaveLength(1);
    await timers.advance(1 + 2000 + 5000);
    expect(fake.opened).toHaveLength(4);
    expect(contexts.map((c) => [c.retryCount, c.elapsedMs])).toEqual([
      [0, 0],
      [1, 1000],
      [2, 3000],
    ]);
    fake.latest.handlers.onChange(snap('init'));
    expect(health).toEqual(['down', 'down', 'down', 'up']);
    expect(snapshots).toEqual(['init', 'init']);
  });

  test('events of a replaced watch are ignored', async () => {
    const timers = new ManualTimers();
    const fake = new FakeWatchable();
    const snapshots: Array<string | undefined> = [];
    resilientWatch({
      open: fake.open,
      policy: new DefaultReconnectPolicy(),
      timers,
      onSnapshot: (s) => snapshots.push(s.type),
      onHealth: () => undefined,
      onGiveUp: () => undefined,
    });
    const old = fake.latest.handlers;
    old.onError(new Error('x'));
    await timers.advance(1000);
    old.onChange(snap('late'));
    old.onError(new Error('late error'));
    expect(fake.opened).toHaveLength(2);
    expect(snapshots).toEqual([]);
  });

  test('a policy returning null gives up; close() cancels a pending retry', async () => {
    const timers = new ManualTimers();
    const fake = new FakeWatchable();
    const outcome: string[] = [];
    resilientWatch({
      open: fake.open,
      policy: new DefaultReconnectPolicy([1000], 1),
      timers,
      onSnapshot: () => undefined,
      onHealth: (ok) => outcome.push(ok ? 'up' : 'down'),
      onGiveUp: () => outcome.push('gave up'),
    });
    fake.latest.handlers.onError(new Error('a'));
    await timers.advance(1000);
    fake.latest.handlers.onError(new Error('b'));
    expect(outcome).toEqual(['down', 'gave up']);
    await timers.advance(60_000);
    expect(fake.opened).toHaveLength(2);

    const other = new FakeWatchable();
    const w = resilientWatch({
      open: other.open,
      policy: new DefaultReconnectPolicy(),
      timers,
      onSnapshot: () => undefined,
      onHealth: () => undefined,
      onGiveUp: () => undefined,
    });
    other.latest.handlers.onError(new Error('c'));
    w.close();
    await timers.advance(60_000);
    expect(other.opened).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });
});
