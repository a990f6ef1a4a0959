/**
 * Database round trips per action, counted where wx-server-sdk's requests arrive (the local cloud's
 * Admin API), and joinRoom's latency when each of those round trips costs a simulated 10 ms: the
 * figure a real CloudBase environment pays, divided by the floor that many round trips set.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/cloud';
import type { LocalCloud } from '../../emulator/cloud';
import { call, clientFor, joinParams } from '../fixtures';
import { msSince, p50p99, quantile } from '../stats';

/** The simulated database round trip (ms) of the latency run. */
export const SIMULATED_RTT_MS = 10;

/** Round trips of one call of each measured action, as medians over `samples` calls. */
export interface RoundTripCounts {
  join: number;
  heartbeat: number;
  leave: number;
  /** The Admin API actions one join sends, by name (from the last sample). */
  joinByAction: Record<string, number>;
}

async function countRequests<T>(cloud: LocalCloud, run: () => Promise<T>): Promise<{ total: number; byAction: Record<string, number>; value: T }> {
  const before = cloud.admin.stats();
  const value = await run();
  const after = cloud.admin.stats();
  const byAction: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.byAction)) {
    const d = n - (before.byAction[name] ?? 0);
    if (d > 0) byAction[name] = d;
  }
  return { total: after.requests - before.requests, byAction, value };
}

const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/**
 * Joins, heartbeats and leaves one member at a time (no concurrency, so no transaction conflicts
 * and retries inflate the count), each in a room of its own members so every sample is alike.
 */
export async function measureRoundTrips(cloud: LocalCloud, samples: number, tick: () => void): Promise<RoundTripCounts> {
  const join: number[] = [];
  const heartbeat: number[] = [];
  const leave: number[] = [];
  let joinByAction: Record<string, number> = {};
  for (let i = 0; i < samples; i++) {
    const userId = `rt-${i}`;
    const client = clientFor(cloud, userId);
    const params = joinParams('round-trip-room', userId, 2);
    const j = await countRequests(cloud, () => call(client, 'joinRoom', params));
    join.push(j.total);
    joinByAction = j.byAction;
    const s = { appId: params.appId, userRoomId: params.userRoomId, userId, sessionId: j.value.sessionId };
    heartbeat.push((await countRequests(cloud, () => call(client, 'heartbeat', s))).total);
    leave.push((await countRequests(cloud, () => call(client, 'leaveRoom', s))).total);
    tick();
  }
  return { join: median(join), heartbeat: median(heartbeat), leave: median(leave), joinByAction };
}

/** joinRoom latency with every database round trip costing SIMULATED_RTT_MS, against its floor. */
export interface SlowDatabaseJoin {
  rttMs: number;
  roundTrips: number;
  floorMs: number;
  p50: number;
  p99: number;
  ratioP50: number;
  ratioP99: number;
}

/**
 * A second local cloud whose Admin API holds each request SIMULATED_RTT_MS (half before, half after
 * the action, as a network would), so a join costs at least `round trips × RTT`: the ratio shows
 * what the join adds on top of the database it cannot avoid.
 */
export async function measureSlowDatabaseJoin(samples: number, tick: () => void): Promise<SlowDatabaseJoin> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-bench-rtt-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false, databaseLatencyMs: SIMULATED_RTT_MS, log: () => undefined });
  try {
    const warm: CloudClient = clientFor(cloud, 'rtt-warm');
    for (let i = 0; i < 5; i++) await call(warm, 'joinRoom', joinParams('rtt-warm-room', 'rtt-warm', 2));
    const times: number[] = [];
    const trips: number[] = [];
    for (let i = 0; i < samples; i++) {
      const userId = `rtt-${i}`;
      const client = clientFor(cloud, userId);
      const params = joinParams('rtt-room', userId, 2);
      const t = process.hrtime.bigint();
      const { total } = await countRequests(cloud, () => call(client, 'joinRoom', params));
      times.push(msSince(t));
      trips.push(total);
      tick();
    }
    const roundTrips = median(trips);
    const floorMs = roundTrips * SIMULATED_RTT_MS;
    const { p50, p99 } = p50p99(times);
    return { rttMs: SIMULATED_RTT_MS, roundTrips, floorMs, p50, p99, ratioP50: p50 / floorMs, ratioP99: p99 / floorMs };
  } finally {
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
