import { EmulatorClock } from './clock';
import { loadCloudConfig } from '../cloudConfig';
import type { LocalCloud } from '../jrtc/localCloud';
import type { FunctionsHost } from '../functions/functionsHost';
import type { DocumentStore } from '../store/store';
import { TimerService, nextFireTime, toSixFieldCron } from './timers';
import { eventually, fixtureRoot, startFixtureCloud } from '../__fixtures__/fixtureCloud';

describe('cron helpers', () => {
  test('7-field CloudBase crons lose their year field; anything else is refused', () => {
    expect(toSixFieldCron('0 */1 * * * * *')).toBe('0 */1 * * * *');
    expect(() => toSixFieldCron('*/1 * * * *')).toThrow(/7 cron fields/);
    const t = Date.UTC(2030, 0, 1, 10, 0, 30);
    expect(nextFireTime('0 */1 * * * * *', t)).toBe(Date.UTC(2030, 0, 1, 10, 1, 0));
  });
});

describe('emulator clock', () => {
  test('advance moves now(), never Date.now in this process (only function instances patch theirs)', async () => {
    const clock = new EmulatorClock();
    const original = Date.now;
    await clock.start();
    try {
      const before = clock.now();
      clock.advance(86_400_000);
      expect(clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
      expect(Date.now).toBe(original);
      expect(clock.now() - Date.now()).toBeGreaterThan(86_000_000);
      expect(() => clock.advance(-1)).toThrow(RangeError);
      expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    } finally {
      await clock.stop();
    }
  });
});

describe('timer service', () => {
  // A whole fixture cloud (its own timers off): the tick function writes through the real
  // wx-server-sdk, so it needs the admin API and the store behind it.
  let cloud: LocalCloud;
  let store: DocumentStore;
  let host: FunctionsHost;
  let clock: EmulatorClock;
  let timers: TimerService | undefined;

  beforeEach(async () => {
    cloud = await startFixtureCloud();
    ({ store, functions: host, clock } = cloud);
  });
  afterEach(async () => {
    await timers?.stop();
    timers = undefined;
    await cloud.stop();
  });

  const start = async (enabled: boolean): Promise<TimerService> => {
    timers = new TimerService({ host, clock, enabled, triggers: loadCloudConfig(fixtureRoot).timers, log: () => undefined });
    await timers.start();
    timers.connect();
    return timers;
  };

  test('fire() runs a trigger now with the Timer event, by trigger or function name', async () => {
    const t = await start(false);
    expect(t.list()).toEqual([{ name: 'everyMinute', functionName: 'tick', cron: '0 */1 * * * * *', nextAt: null }]);
    const res = await t.fire('everyMinute');
    expect(res).toMatchObject({ ok: true, result: { source: 'wx_trigger' } });
    await t.fire('tick');
    const ticks = await store.find('ticks', {});
    expect(ticks).toHaveLength(2);
    expect(ticks[0].event).toEqual({ Type: 'Timer', TriggerName: 'everyMinute', Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    await expect(t.fire('nope')).rejects.toThrow(/no timer trigger/);
  });

  test('when enabled, moving the clock past the next fire time fires the trigger once', async () => {
    const t = await start(true);
    const nextAt = t.list()[0].nextAt as number;
    expect(nextAt).toBeGreaterThan(Date.now());
    clock.advance(nextAt - Date.now() + 1);
    await eventually(async () => (await store.count('ticks', {})) === 1, 5000, 'one tick');
    expect(t.list()[0].nextAt).toBeGreaterThan(nextAt);
  });

  test('a malformed cron fails start', async () => {
    timers = new TimerService({ host, enabled: false, triggers: [{ name: 'bad', functionName: 'tick', cron: 'every minute' }] });
    await expect(timers.start()).rejects.toThrow(/timer bad/);
  });
});
