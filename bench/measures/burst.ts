/**
 * A class arrives at once: N phones, each its own client, OPENID and userId, call joinRoom on one
 * room at the same moment, then all leave at the same moment, on a local cloud whose database
 * round trip is 10 ms (a cloud function's distance to its database) and whose function instances
 * are capped at the default (256), as a CloudBase deployment would run them.
 *
 * A cold burst (the largest N, into a room of its own, then all leave) runs first so that the
 * measured bursts find warm instances; it is reported on its own, with its cold starts, since a
 * real class often is the first traffic of the day.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { CloudCallError } from '../../emulator/client/client';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { Role } from '../../shared';
import type { ActionName, ActionRequest, ActionResponse, Reply } from '../../shared';
import { clientFor, joinParams } from '../fixtures';
import { msSince, p50p99 } from '../stats';
import { instancePids, procKb } from './instanceMemory';

/** The simulated database round trip of the burst cloud (ms). */
export const BURST_RTT_MS = 10;

/** One phase (everyone joins, or everyone leaves) of a burst. */
export interface BurstPhase {
  /** Phones that called (a phone whose join failed does not leave). */
  phones: number;
  wallMs: number;
  /** Calls answered ok per second of wall time. */
  perSecond: number;
  p50: number;
  p99: number;
  /**
   * Failures by code: a non-ok reply by its error code, a thrown call as `CALL_<errCode>` (the
   * platform's, e.g. a timeout) or `THROWN`, and a room whose getRoomMemberCount is not what the
   * phase should have left as `INCONSISTENT`.
   */
  failures: Record<string, number>;
  failed: number;
  /** Instances started during the phase. */
  coldStarts: number;
  /** getRoomMemberCount's total afterwards, the observer not counted (null: could not be read). */
  counted: number | null;
}

/** A burst of `phones`: their joins, then their leaves. */
export interface Burst {
  phones: number;
  join: BurstPhase;
  leave: BurstPhase;
}

/** The cold burst, the measured bursts, and what the instances took. */
export interface BurstResult {
  rttMs: number;
  cold: Burst;
  bursts: Burst[];
  /**
   * The same phones as the `spread.phones`-burst, each joining a room of its own: what this machine
   * and instance pool manage without any shared document. A one-room burst that takes no longer
   * pays nothing for sharing the room.
   */
  spread: { phones: number; join: BurstPhase };
  /** The most jrtc instances alive at once (sampled), and at the end. */
  peakInstances: number;
  instancesAtEnd: number;
  /** The largest sum of the function processes' RSS seen (MiB; shared pages counted in each), null off Linux. */
  peakRssMiB: number | null;
}

interface Phone {
  userId: string;
  client: CloudClient;
  params: ActionRequest<'joinRoom'>;
  sessionId?: string;
}

/** How often the instance count and their memory are sampled during the bursts. */
const SAMPLE_MS = 500;

/**
 * Runs the cold burst of max(sizes) and one burst per size. `tick` is called after each phase.
 */
export async function measureBursts(sizes: readonly number[], tick: () => void): Promise<BurstResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-bench-burst-'));
  // Processes forked before this cloud (the other clouds' instances) are not this cloud's.
  const foreign = new Set(instancePids());
  const cloud = await startLocalCloud({
    port: 0,
    dataDir,
    timers: false,
    databaseLatencyMs: BURST_RTT_MS,
    // A phone of a burst sends no heartbeat: its lease must outlast the whole run, or a later join's
    // ghost sweep would take the first joiners out of the room and the counts would be wrong.
    functionEnv: { JRTC_LEASE_MS: '3600000' },
    log: () => undefined,
  });
  let peakInstances = 0;
  let peakRssKb: number | null = null;
  const sample = (): void => {
    peakInstances = Math.max(peakInstances, jrtcPool(cloud).running);
    if (process.platform !== 'linux') return;
    const rss = instancePids()
      .filter((pid) => !foreign.has(pid))
      .reduce((kb, pid) => kb + (procKb(pid, 'status', 'VmRSS') ?? 0), 0);
    peakRssKb = Math.max(peakRssKb ?? 0, rss);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  try {
    const cold = await burst(cloud, 'burst-cold', Math.max(...sizes), tick);
    const bursts: Burst[] = [];
    for (const n of sizes) bursts.push(await burst(cloud, `burst-${n}`, n, tick));
    const spreadPhones = sizes.includes(200) ? 200 : Math.max(...sizes);
    const spread = await spreadBurst(cloud, spreadPhones);
    tick();
    sample();
    return {
      rttMs: BURST_RTT_MS,
      cold,
      bursts,
      spread: { phones: spreadPhones, join: spread },
      peakInstances,
      instancesAtEnd: jrtcPool(cloud).running,
      peakRssMiB: peakRssKb === null ? null : Math.round(peakRssKb / 102.4) / 10,
    };
  } finally {
    clearInterval(sampler);
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The jrtc function's instance pool, from the host's info (its only public view of the pool). */
function jrtcPool(cloud: LocalCloud): { running: number; coldStarts: number } {
  const info = cloud.functions.getInfo() as { functions?: Array<{ name: string; instances: { running: number; coldStarts: number } }> };
  const pool = info.functions?.find((f) => f.name === 'jrtc')?.instances;
  return { running: pool?.running ?? 0, coldStarts: pool?.coldStarts ?? 0 };
}

async function callAction<A extends ActionName>(client: CloudClient, action: A, payload: ActionRequest<A>): Promise<Reply<ActionResponse<A>>> {
  const res = await client.callFunction({ name: 'jrtc', data: { action, ...payload } });
  return res.result as Reply<ActionResponse<A>>;
}

/**
 * One burst: an observer joins first (untimed), so that getRoomMemberCount can still be asked once
 * everyone else has left; the check expects N + 1, then 1.
 */
async function burst(cloud: LocalCloud, room: string, n: number, tick: () => void): Promise<Burst> {
  const observerId = `${room}-observer`;
  const observer = clientFor(cloud, observerId);
  const observerParams = joinParams(room, observerId, Role.AUDIENCE);
  const joined = await callAction(observer, 'joinRoom', observerParams);
  if (!joined.ok) throw new Error(`${room}: the observer could not join: ${joined.error.code}`);
  const asObserver = { appId: observerParams.appId, userRoomId: room, userId: observerId, sessionId: joined.data.sessionId };
  const count = async (): Promise<number | null> => {
    const r = await callAction(observer, 'getRoomMemberCount', asObserver).catch(() => null);
    return r?.ok ? r.data.total - 1 : null;
  };

  // Clients and tokens are made before the clock starts: a phone has its token before the class begins.
  // One phone in ten is an anchor, as a class has a few speakers (tests/hardening/burst.test.ts).
  const phones: Phone[] = Array.from({ length: n }, (_, i) => {
    const userId = `${room}-p${i}`;
    return { userId, client: clientFor(cloud, userId), params: joinParams(room, userId, i % 10 === 0 ? Role.ANCHOR : Role.AUDIENCE) };
  });

  const join = await phase(cloud, phones, async (p) => {
    const r = await callAction(p.client, 'joinRoom', p.params);
    if (r.ok) p.sessionId = r.data.sessionId;
    return r;
  });
  join.counted = await count();
  if (join.counted !== n) addFailure(join, 'INCONSISTENT');
  tick();

  const leaving = phones.filter((p) => p.sessionId !== undefined);
  const leave = await phase(cloud, leaving, (p) =>
    callAction(p.client, 'leaveRoom', { appId: p.params.appId, userRoomId: room, userId: p.userId, sessionId: p.sessionId as string }),
  );
  leave.counted = await count();
  if (leave.counted !== 0) addFailure(leave, 'INCONSISTENT');
  await callAction(observer, 'leaveRoom', asObserver);
  tick();
  return { phones: n, join, leave };
}

/** `n` phones join `n` rooms, one each, at once (then leave, untimed). */
async function spreadBurst(cloud: LocalCloud, n: number): Promise<BurstPhase> {
  const phones: Phone[] = Array.from({ length: n }, (_, i) => {
    const userId = `spread-p${i}`;
    return { userId, client: clientFor(cloud, userId), params: joinParams(`spread-r${i}`, userId, i % 10 === 0 ? Role.ANCHOR : Role.AUDIENCE) };
  });
  const join = await phase(cloud, phones, async (p) => {
    const r = await callAction(p.client, 'joinRoom', p.params);
    if (r.ok) p.sessionId = r.data.sessionId;
    return r;
  });
  await Promise.all(
    phones
      .filter((p) => p.sessionId !== undefined)
      .map((p) => callAction(p.client, 'leaveRoom', { appId: p.params.appId, userRoomId: p.params.userRoomId, userId: p.userId, sessionId: p.sessionId as string })),
  );
  return join;
}

function addFailure(p: BurstPhase, code: string): void {
  p.failures[code] = (p.failures[code] ?? 0) + 1;
  p.failed += 1;
}

/** Every phone calls at once; each call is timed from its own start (all start within the same tick). */
async function phase(cloud: LocalCloud, phones: Phone[], act: (p: Phone) => Promise<Reply<unknown>>): Promise<BurstPhase> {
  const coldBefore = jrtcPool(cloud).coldStarts;
  const times: number[] = [];
  const result: BurstPhase = { phones: phones.length, wallMs: 0, perSecond: 0, p50: NaN, p99: NaN, failures: {}, failed: 0, coldStarts: 0, counted: null };
  const start = process.hrtime.bigint();
  await Promise.all(
    phones.map(async (p) => {
      const t = process.hrtime.bigint();
      try {
        const r = await act(p);
        if (r.ok) times.push(msSince(t));
        else addFailure(result, r.error.code);
      } catch (err) {
        addFailure(result, err instanceof CloudCallError ? `CALL_${err.errCode}` : 'THROWN');
      }
    }),
  );
  result.wallMs = msSince(start);
  result.perSecond = times.length / (result.wallMs / 1000);
  Object.assign(result, p50p99(times));
  result.coldStarts = jrtcPool(cloud).coldStarts - coldBefore;
  return result;
}
