import { EmulatorClock } from '../timers/clock';
import { ClockTimers } from './clockTimers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ClockTimers: the SDK\'s timers on the cloud clock', () => {
  test('following: a jump of the clock runs what came due in the skipped time at once, in due order; now() is the clock', async () => {
    const clock = new EmulatorClock();
    const timers = new ClockTimers(clock);
    const ran: string[] = [];
    timers.setTimeout(() => ran.push('a minute'), 60_000);
    timers.setTimeout(() => ran.push('an hour'), 3_600_000);
    const cancelled = timers.setTimeout(() => ran.push('cancelled'), 1_000);
    timers.clearTimeout(cancelled);
    clock.advance(61_000);
    await sleep(20);
    expect(ran).toEqual(['a minute']);
    expect(Math.abs(timers.now() - clock.now())).toBeLessThan(5);
    clock.advance(3_600_000);
    await sleep(20);
    expect(ran).toEqual(['a minute', 'an hour']);
    timers.dispose();
  });

  test('stepped: nothing runs by itself; next() and fire() let a driver run due timers in order', async () => {
    const clock = new EmulatorClock();
    const timers = new ClockTimers(clock, { stepped: true });
    const ran: number[] = [];
    const t0 = clock.now();
    timers.setTimeout(() => ran.push(2), 2_000);
    timers.setTimeout(() => ran.push(1), 1_000);
    clock.advance(5_000);
    await sleep(20);
    expect(ran).toEqual([]);
    expect(timers.next() - t0).toBeGreaterThanOrEqual(1_000);
    expect(timers.next() - t0).toBeLessThan(1_100);
    timers.fire();
    expect(ran).toEqual([1, 2]);
    expect(timers.next()).toBe(Infinity);
  });

  test('hold(): a timer set while held starts counting at release(); kill(): nothing runs again', async () => {
    const clock = new EmulatorClock();
    const timers = new ClockTimers(clock, { stepped: true });
    const ran: string[] = [];
    timers.hold();
    timers.setTimeout(() => ran.push('held'), 1_000);
    clock.advance(10_000);
    timers.fire();
    expect(ran).toEqual([]); // not counting yet
    timers.release();
    timers.fire();
    expect(ran).toEqual([]); // its full wait starts now
    clock.advance(1_000);
    timers.fire();
    expect(ran).toEqual(['held']);
    timers.setTimeout(() => ran.push('after kill'), 0);
    timers.kill();
    timers.setTimeout(() => ran.push('set after kill'), 0);
    clock.advance(1_000);
    timers.fire();
    expect(timers.next()).toBe(Infinity);
    expect(ran).toEqual(['held']);
  });
});
