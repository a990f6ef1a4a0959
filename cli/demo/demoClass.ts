/**
 * The demo's cast: a teacher and students, each a real SDK client (JRTCMiniappClient, from the SDK's
 * source) on its own simulated WeChat identity, talking to the local cloud running in this process.
 * The app's server is played here too: it computes each join's token with the local app key. The
 * clients are used as a JRTC page uses them (init without await, joinRoom, leaveRoom then destroy);
 * the Room each join resolves with serves the class's control (ours).
 */
import { randomBytes } from 'crypto';
import { performance } from 'perf_hooks';
import { Collections, roomKeyOf } from '../../shared/constants';
import { computeToken } from '../../shared/token';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';
import type { MemberCount, Room } from '../../miniprogram/lib/src/index';
import { createCloudClient } from '../../emulator/client/client';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import { EventLedger } from './demoLedger';
import { demoPlatform } from './demoPlatform';
import type { DemoPlatform } from './demoPlatform';
import { ClockTimers } from '../../emulator/client/clockTimers';
import type { FollowedClock } from '../../emulator/client/clockTimers';

/** What the demo needs of a running local cloud (emulator/jrtc/localCloud.ts LocalCloud has it all). */
export interface DemoCloud {
  url: string;
  clock: FollowedClock & { advance(ms: number): number; readonly offset: number };
  timers: { fire(name: string): Promise<unknown> };
  /** The media server, when running: its ports decide the domains the function signs for. */
  media: { functionEnv(): Record<string, string> } | null;
}

/** One person in the class. */
export interface DemoUser {
  userId: string;
  nickName: string;
  client: JRTCMiniappClient;
  platform: DemoPlatform;
  /** On the cloud's clock; killed with the app. */
  timers: ClockTimers;
  /** Set once joined. */
  room?: Room;
  /** Killed: frozen without leaving (see DemoClass.kill). */
  killed: boolean;
}

const [[APP_ID, APP_KEY]] = Object.entries(JSON.parse(localFunctionEnv.JRTC_APPS) as Record<string, string>);
const TOKEN_TTL_MS = 3600_000;
/** The class's room (DemoClass.roomId). */
const DEMO_ROOM = 'demo-class';
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A join's token fields for `userId` in `userRoomId`, as the app's server computes them with the local app key. */
export function appToken(cloud: DemoCloud, userRoomId: string, userId: string): { appId: string; token: string; userId: string; nonce: string; timestamp: number; userRoomId: string } {
  const nonce = `AK-${randomBytes(16).toString('hex')}`;
  const timestamp = cloud.clock.now() + TOKEN_TTL_MS;
  const token = computeToken({ appId: APP_ID, appKey: APP_KEY, roomId: userRoomId, userId, timestamp, nonce });
  return { appId: APP_ID, token, userId, nonce, timestamp, userRoomId };
}

/**
 * A demo user's SDK client on its own simulated WeChat identity and its own timers on the cloud's
 * clock, initialised as a JRTC page does (synchronously). `rosterScope`: what its roster follows.
 */
export function demoUser(cloud: DemoCloud, userId: string, nickName: string, rosterScope: 'all' | 'anchors'): DemoUser {
  const env = { ...localFunctionEnv, ...cloud.media?.functionEnv() };
  const platform = demoPlatform(createCloudClient({ url: cloud.url, openid: `demo-openid-${userId}` }));
  const timers = new ClockTimers(cloud.clock);
  const client = JRTCMiniappClient.init({
    appId: APP_ID,
    pushDomain: env.JRTC_PUSH_DOMAINS.split(',')[0],
    pullDomain: env.JRTC_PULL_DOMAINS.split(',')[0],
    cloud: platform.cloud,
    timers,
    platform: null,
    rosterScope,
  });
  return { userId, nickName, client, platform, timers, killed: false };
}

/** The teacher's userId. */
export const TEACHER = 'teacher';

/** The userId of student `n` (1-based): `student-01` … */
export function studentId(n: number): string {
  return `student-${String(n).padStart(2, '0')}`;
}

/** A class on the local cloud: its users, its event ledger and the helpers the scenario steps use. */
export class DemoClass {
  /**
   * The class's room: `demo-class`, which each run leaves empty, so a persisted data dir keeps one
   * room however often the demo runs; a room of its own when an interrupted run left members in it
   * (pickRoom), so that they cannot interfere.
   */
  roomId = DEMO_ROOM;
  readonly ledger = new EventLedger();
  readonly teacher: DemoUser;
  readonly students: DemoUser[];
  /** The room's owner, as the server reported it (setStagePolicy's summary); '' until known. */
  owner = '';
  /** The room's counts as the server gave them once everyone left (the last step sets them). */
  ended?: MemberCount;

  private constructor(readonly cloud: DemoCloud, users: DemoUser[]) {
    [this.teacher, ...this.students] = users;
  }

  /** Creates the teacher's and `studentCount` students' SDK clients (nobody has joined yet). */
  static open(cloud: DemoCloud, studentCount: number): DemoClass {
    const names: Array<[string, string]> = [[TEACHER, 'Teacher Li']];
    for (let n = 1; n <= studentCount; n++) names.push([studentId(n), `Student ${n}`]);
    // The teacher's table shows everyone (a class is small); students follow the stage only.
    const users = names.map(([userId, nickName]) => demoUser(cloud, userId, nickName, userId === TEACHER ? 'all' : 'anchors'));
    return new DemoClass(cloud, users);
  }

  /** Student `n` (1-based). */
  student(n: number): DemoUser {
    return this.students[n - 1];
  }

  /** Everyone whose app is alive (not killed). */
  alive(): DemoUser[] {
    return [this.teacher, ...this.students].filter((u) => !u.killed);
  }

  /** The user's room (it must have joined). */
  room(user: DemoUser): Room {
    if (!user.room) throw new Error(`${user.userId} has not joined`);
    return user.room;
  }

  /** Joins `user` with a token from "the app's server"; its events go to the ledger from the start. */
  async join(user: DemoUser, role: 1 | 2): Promise<Room> {
    const room = await user.client.joinRoom({ ...appToken(this.cloud, this.roomId, user.userId), role, nickName: user.nickName });
    // Listeners added right after the join resolves hear the first snapshots: watches deliver later.
    this.ledger.follow(user.client, room, user.userId);
    user.room = room;
    return room;
  }

  /**
   * Kills a user's app: its timers stop (no heartbeat, no retry), its watches close under it and its
   * calls never return. It does not leave: the server only learns from its silence.
   */
  kill(user: DemoUser): void {
    user.killed = true;
    user.timers.kill();
    user.platform.kill();
  }

  /** Resolves once `done()` holds (checked as events arrive); rejects after `ms` of real time. */
  async until(done: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(20);
    }
  }

  /** Waits until no client has a call in flight for a little while (watch deliveries included). */
  async settle(): Promise<void> {
    const deadline = performance.now() + 10_000;
    for (let quiet = 0; quiet < 3 && performance.now() < deadline; ) {
      await pause(40);
      quiet = this.alive().every((u) => u.platform.inFlight === 0) ? quiet + 1 : 0;
    }
  }

  /** Chooses the room before anyone joins (see roomId). */
  async pickRoom(): Promise<void> {
    const db = createCloudClient({ url: this.cloud.url, openid: 'demo-openid-observer' }).database();
    const { total } = await db.collection(Collections.members).where({ roomKey: roomKeyOf(APP_ID, DEMO_ROOM) }).count();
    this.roomId = total === 0 ? DEMO_ROOM : `${DEMO_ROOM}-${Date.now().toString(36)}`;
  }

  /** Signs every client still alive off (leaving its room) and stops the clock-following timers. */
  async close(): Promise<void> {
    await Promise.all(this.alive().map((u) => signOff(u.client)));
    for (const u of [this.teacher, ...this.students]) u.timers.dispose();
  }
}

/**
 * Ends a client as a JRTC page does: leaveRoom (resolves also when not in a room), then destroy,
 * which runs whatever the leave did (a failed leave is still reported).
 */
export async function signOff(jrtcMiniapp: JRTCMiniappClient): Promise<void> {
  try {
    await jrtcMiniapp.leaveRoom();
  } finally {
    await jrtcMiniapp.destroy();
  }
}
