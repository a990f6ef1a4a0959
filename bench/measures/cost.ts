/**
 * What a deployment costs while nobody is in a room, and what a listener's join pushes to the
 * members already there: the two figures that scale a bill with rooms rather than with use.
 */
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { createCloudClient } from '../../emulator/client/client';
import type { WatchSnapshot } from '../../emulator/client/client';
import { Collections, Role, SIGNAL_TO_ROOM, roomKeyOf } from '../../shared';
import { APP_ID, call, clientFor, joinParams } from '../fixtures';
import { PERSONAL_PLAN_CALLS_PER_MONTH, billingMeter, perUnit } from './billing';
import type { Billed } from './billing';

/** The sweep's schedule in cloudbaserc.json: every minute. */
const SWEEPS_PER_DAY = 1440;

/** Billed calls of an idle deployment. */
export interface IdleDay {
  runs: number;
  /** Billed per sweep run (mean over the measured runs). */
  perRun: Billed;
  perDay: number;
  /** perDay × 30 ÷ the personal plan's 200,000 calls a month. */
  planShare: number;
}

/**
 * A fresh local cloud with nothing in it; the jrtcSweep timer is fired `runs` times (after one
 * unmeasured run that pays the cold start), the clock moved a minute before each as the trigger
 * would, so any work the sweep does only every so often is billed at its real rate.
 */
export async function measureIdleDay(runs: number): Promise<IdleDay> {
  const cloud = await startLocalCloud({ port: 0, timers: false, log: () => undefined });
  try {
    await fireSweep(cloud);
    const meter = billingMeter(cloud);
    for (let i = 0; i < runs; i++) {
      cloud.clock.advance(60_000);
      await fireSweep(cloud);
    }
    const perRun = perUnit(meter.read(), runs);
    const perDay = perRun.total * SWEEPS_PER_DAY;
    return { runs, perRun, perDay, planShare: (perDay * 30) / PERSONAL_PLAN_CALLS_PER_MONTH };
  } finally {
    await cloud.stop();
  }
}

async function fireSweep(cloud: LocalCloud): Promise<void> {
  const r = await cloud.timers.fire('jrtcSweep');
  if (!r.ok) throw new Error(`jrtcSweep failed: ${r.errMsg}`);
}

/** Change events delivered to the watchers of a room per audience join. */
export interface WatchPushes {
  watchers: number;
  joins: number;
  /** Change snapshots delivered, all watchers together, per join. */
  perJoin: number;
  /** The same, per watcher: 1 means every watcher got a push for every join. */
  perWatcherPerJoin: number;
}

/** No further event for this long after a join's reply: its pushes have all arrived. */
const QUIET_MS = 150;
/** A join whose pushes are still coming after this long is counted as it stands. */
const SETTLE_CAP_MS = 3000;

/**
 * `watchers` phones, each its own client and socket, watch what the SDK watches for every member
 * on account of others (room.ts goLive): the room document, the room's anchors (the default roster
 * scope) and the room-wide signals; a member's own document and inbox change only for that member.
 * Then `joins` listeners (audience) join one after another, and the change snapshots delivered to
 * the watchers are counted on the client side (the watch service keeps no counter) until the room
 * has been quiet for QUIET_MS.
 */
export async function measureWatchPushes(cloud: LocalCloud, watchers: number, joins: number, tick: () => void): Promise<WatchPushes> {
  const room = 'pushes-room';
  const roomKey = roomKeyOf(APP_ID, room);
  // The room must exist for its document watch to see changes rather than a creation.
  await call(clientFor(cloud, 'pushes-owner'), 'joinRoom', joinParams(room, 'pushes-owner', 1));
  let pushes = 0;
  let lastPushAt = 0;
  let initsLeft = watchers * 3;
  const handles: Array<{ close(): unknown }> = [];
  await new Promise<void>((resolve, reject) => {
    const onChange = (snapshot: WatchSnapshot): void => {
      if (snapshot.type === 'init' || snapshot.docChanges[0]?.queueType === 'init') {
        if (--initsLeft === 0) resolve();
        return;
      }
      pushes += 1;
      lastPushAt = performance.now();
    };
    const onError = (err: unknown): void => reject(new Error(`watch failed: ${String(err)}`));
    for (let w = 0; w < watchers; w++) {
      const db = createCloudClient({ url: cloud.url, openid: `pushes-watcher-${w}` }).database();
      handles.push(
        db.collection(Collections.rooms).doc(roomKey).watch({ onChange, onError }),
        db.collection(Collections.members).where({ roomKey, role: Role.ANCHOR }).watch({ onChange, onError }),
        db.collection(Collections.signals).where({ roomKey, to: SIGNAL_TO_ROOM }).watch({ onChange, onError }),
      );
    }
  });
  const before = pushes;
  for (let j = 0; j < joins; j++) {
    const userId = `pushes-listener-${j}`;
    await call(clientFor(cloud, userId), 'joinRoom', joinParams(room, userId, Role.AUDIENCE));
    const start = performance.now();
    lastPushAt = start;
    while (performance.now() - lastPushAt < QUIET_MS && performance.now() - start < SETTLE_CAP_MS) {
      await new Promise((r) => setTimeout(r, 25));
    }
    tick();
  }
  const perJoin = (pushes - before) / joins;
  await Promise.all(handles.map((h) => h.close()));
  return { watchers, joins, perJoin, perWatcherPerJoin: perJoin / watchers };
}
