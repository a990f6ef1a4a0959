/**
 * Database round trips per action, counted where wx-server-sdk's requests arrive (the local cloud's
 * Admin API): requests in all on the shared cloud, and, with each round trip costing a simulated
 * 10 ms, how many of them a call waits for one after another (what a real CloudBase environment
 * makes it pay), with joinRoom's latency divided by the floor those sequential round trips set.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
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

/** Database round trips of one call of an action at SIMULATED_RTT_MS: medians over the samples. */
export interface ActionTrips {
  /** Sequential round trips (the Admin API's waves while the call runs alone). */
  sequential: number;
  /** Requests in all (parallel ones each counted). */
  requests: number;
}

/** joinRoom latency with every database round trip costing SIMULATED_RTT_MS, against its floors. */
export interface SlowDatabaseJoin {
  rttMs: number;
  join: ActionTrips;
  heartbeat: ActionTrips;
  leave: ActionTrips;
  /** The floor the join's own sequential round trips set: join.sequential × RTT. */
  floorMs: number;
  /** The least any join could cost: one read wave and one write wave, 2 × RTT. */
  absoluteFloorMs: number;
  p50: number;
  p99: number;
  ratioP50: number;
  ratioP99: number;
  /** p50 ÷ absoluteFloorMs. */
  absoluteRatioP50: number;
}

/** The least a join could cost in round trips: it must read the joiner's documents, then write them. */
const ABSOLUTE_FLOOR_TRIPS = 2;

async function countTrips<T>(cloud: LocalCloud, run: () => Promise<T>): Promise<{ sequential: number; requests: number; value: T }> {
  const before = cloud.admin.stats();
  const value = await run();
  const after = cloud.admin.stats();
  return { sequential: after.waves - before.waves, requests: after.requests - before.requests, value };
}

/**
 * A second local cloud whose Admin API holds each request SIMULATED_RTT_MS (half before, half after
 * the action, as a network would), so a join costs at least `sequential round trips × RTT`: the ratio
 * shows what the join adds on top of the database it cannot avoid. Each sample joins, heartbeats and
 * leaves one member alone (nothing else runs on that cloud), so the Admin API's waves are exactly the
 * call's sequential round trips: requests sent in parallel overlap for the RTT and count once.
 */
export async function measureSlowDatabaseJoin(samples: number, tick: () => void): Promise<SlowDatabaseJoin> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-bench-rtt-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false, databaseLatencyMs: SIMULATED_RTT_MS, log: () => undefined });
  try {
    const warm: CloudClient = clientFor(cloud, 'rtt-warm');
    for (let i = 0; i < 5; i++) await call(warm, 'joinRoom', joinParams('rtt-warm-room', 'rtt-warm', 2));
    // The room exists and holds one member throughout, so every sample joins an existing room (the
    // common case; creating a room costs one write more).
    await call(clientFor(cloud, 'rtt-anchor'), 'joinRoom', joinParams('rtt-room', 'rtt-anchor', 1));
    const times: number[] = [];
    const trips = { join: [] as number[][], heartbeat: [] as number[][], leave: [] as number[][] };
    for (let i = 0; i < samples; i++) {
      const userId = `rtt-${i}`;
      const client = clientFor(cloud, userId);
      const params = joinParams('rtt-room', userId, 2);
      const t = process.hrtime.bigint();
      const j = await countTrips(cloud, () => call(client, 'joinRoom', params));
      times.push(msSince(t));
      trips.join.push([j.sequential, j.requests]);
      const s = { appId: params.appId, userRoomId: params.userRoomId, userId, sessionId: j.value.sessionId };
      const h = await countTrips(cloud, () => call(client, 'heartbeat', s));
      trips.heartbeat.push([h.sequential, h.requests]);
      const l = await countTrips(cloud, () => call(client, 'leaveRoom', s));
      trips.leave.push([l.sequential, l.requests]);
      tick();
    }
    const medians = (xs: number[][]): ActionTrips => ({ sequential: median(xs.map((x) => x[0])), requests: median(xs.map((x) => x[1])) });
    const join = medians(trips.join);
    const floorMs = join.sequential * SIMULATED_RTT_MS;
    const absoluteFloorMs = ABSOLUTE_FLOOR_TRIPS * SIMULATED_RTT_MS;
    const { p50, p99 } = p50p99(times);
    return {
      rttMs: SIMULATED_RTT_MS,
      join,
      heartbeat: medians(trips.heartbeat),
      leave: medians(trips.leave),
      floorMs,
      absoluteFloorMs,
      p50,
      p99,
      ratioP50: p50 / floorMs,
      ratioP99: p99 / floorMs,
      absoluteRatioP50: p50 / absoluteFloorMs,
    };
  } finally {
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
