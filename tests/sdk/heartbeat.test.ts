import { ErrorCode } from '../../shared/errors';
import { JRTCError } from '../../miniprogram/lib/src/errors';
import { HEARTBEAT_WINDOW_MS, MAX_HEARTBEATS_PER_WINDOW, startHeartbeat } from '../../miniprogram/lib/src/heartbeat';
import { ManualTimers } from '../helpers/manualTimers';

/** A scripted server: each beat takes the next reply (a delay, or an error code). */
function scripted(timers: ManualTimers, replies: Array<number | string>) {
  const calls: number[] = [];
  const outcomes: string[] = [];
  const heartbeat = startHeartbeat({
    timers,
    firstInMs: 5_000,
    beat: async () => {
      calls.push(timers.now());
      const reply = replies.length ? replies.shift() : 30_000;
      if (typeof reply === 'string') throw new JRTCError(reply as ErrorCode, reply);
      return { nextHeartbeatInMs: reply as number };
    },
    onOk: () => outcomes.push('ok'),
    onError: (error, fatal) => outcomes.push(`${error.code}${fatal ? ':fatal' : ''}`),
  });
  return { calls, outcomes, heartbeat };
}

function maxInAnyWindow(calls: number[]): number {
  return Math.max(0, ...calls.map((t) => calls.filter((u) => u >= t && u < t + HEARTBEAT_WINDOW_MS).length));
}

describe('heartbeat scheduler', () => {
  test('follows the server: first after firstInMs, then as each reply says', async () => {
    const timers = new ManualTimers();
    const start = timers.now();
    const { calls } = scripted(timers, [30_000, 33_000, 27_000, 33_000]);
    await timers.advance(5_000 + 30_000 + 33_000 + 27_000 + 33_000);
    expect(calls.map((t) => t - start)).toEqual([5_000, 35_000, 68_000, 95_000, 128_000]);
  });

  test('a reply that would make a third call within a minute is held back to the budget', async () => {
    const timers = new ManualTimers();
    const start = timers.now();
    const { calls } = scripted(timers, [30_000, 27_000, 30_000]);
    await timers.advance(100_000);
    expect(calls.map((t) => t - start)).toEqual([5_000, 35_000, 65_000, 95_000]);
  });

  test('never more than two calls in any minute, whatever the server or failures say', async () => {
    const timers = new ManualTimers();
    const { calls, outcomes } = scripted(timers, [1, 0, 10, 'NETWORK', 'TIMEOUT', 'INTERNAL', 2_000, 1]);
    await timers.advance(10 * 60_000);
    expect(calls.length).toBeGreaterThan(10);
    expect(maxInAnyWindow(calls)).toBe(MAX_HEARTBEATS_PER_WINDOW);
    expect(outcomes).toContain('NETWORK');
    expect(outcomes).not.toContain('NETWORK:fatal');
  });

  test('a failed beat is retried soon (not a full interval later) within the budget', async () => {
    const timers = new ManualTimers();
    const start = timers.now();
    const { calls } = scripted(timers, [30_000, 'NETWORK', 30_000]);
    await timers.advance(5_000 + 30_000 + 30_000);
    // 5 s, 35 s (fails), then the retry 5 s later would be the third in the minute since 5 s: it waits until 65 s.
    expect(calls.map((t) => t - start)).toEqual([5_000, 35_000, 65_000]);
  });

  test.each([ErrorCode.NOT_IN_ROOM, ErrorCode.SESSION_REPLACED, ErrorCode.KICKED])('%s stops it for good', async (code) => {
    const timers = new ManualTimers();
    const { calls, outcomes } = scripted(timers, [30_000, code]);
    await timers.advance(10 * 60_000);
    expect(calls).toHaveLength(2);
    expect(outcomes).toEqual(['ok', `${code}:fatal`]);
    expect(timers.pending).toBe(0);
  });

  test('stop() cancels the next beat', async () => {
    const timers = new ManualTimers();
    const { calls, heartbeat } = scripted(timers, []);
    await timers.advance(5_000);
    heartbeat.stop();
    await timers.advance(10 * 60_000);
    expect(calls).toHaveLength(1);
  });
});
