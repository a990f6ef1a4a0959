/**
 * The demo's script: an online class from the teacher's join to the empty room. Each step acts
 * through the SDK's public API only and waits until the SDK events it causes have arrived, so a
 * step that does not happen as it should stops the demo with the reason. What JD Cloud JRTC's API
 * covers goes through the client, as a JRTC page calls it (publish, setRole, the counts and lists,
 * leaveRoom); the class's control (stage policy, hands, invitations, promote and demote) and the
 * live counts (countsChanged) are the Room's, which JRTC's API has no equivalent for.
 */
import { Collections, Timing, roomKeyOf } from '../../shared';
import type { JRTCFailure } from '../../miniprogram/lib/src/index';
import { createCloudClient } from '../../emulator/client/client';
import { TEACHER, studentId } from './demoClass';
import type { DemoClass, DemoUser } from './demoClass';
import type { LedgerEventName } from './demoLedger';

/** How many students join. */
export const STUDENTS = 20;
/** Who raises a hand; the first is invited on stage, the second promoted (and demoted later). */
export const RAISERS = [3, 7, 12] as const;
export const INVITED = RAISERS[0];
export const PROMOTED = RAISERS[1];
/** Leaves mid-class, hand still up. */
export const LEAVER = RAISERS[2];
/** Killed: never leaves, swept as a ghost. */
export const GHOST = STUDENTS;

/** Cloud time per clock step: less than the lease minus the longest heartbeat interval (35 s), so the living stay fresh. */
const CLOCK_STEP_MS = 2_500;
/** Cloud time after which the ghost must be gone even without the timer sweep. */
const SWEEP_BOUND_MS = 3 * Timing.leaseMs;
const JOIN_BATCH = 5;

/** One step: its title (the progress line) and what it does; `note` reports a result. */
export interface DemoStep {
  title: string;
  run(c: DemoClass, note: (line: string) => void): Promise<void>;
}

/** How many times `who` heard `event` (about `subject`, with `detail`) so far. */
const heard = (c: DemoClass, who: string, event: LedgerEventName, subject?: string, detail?: string): number =>
  c.ledger.count({ who, event, subject, detail });

/** Runs `fn` for `users`, JOIN_BATCH at a time (a class does not arrive in one millisecond). */
async function inBatches(users: DemoUser[], fn: (u: DemoUser) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < users.length; i += JOIN_BATCH) await Promise.all(users.slice(i, i + JOIN_BATCH).map(fn));
}

/** The steps, in order. */
export const STEPS: readonly DemoStep[] = [
  {
    title: 'The teacher joins as anchor',
    async run(c, note) {
      const room = await c.join(c.teacher, 1);
      note(`teacher joined ${room.roomKey} as anchor`);
    },
  },
  {
    title: "The teacher sets the stage policy to 'invite'",
    async run(c, note) {
      const summary = await c.room(c.teacher).setStagePolicy('invite');
      c.owner = summary.ownerUserId;
      note(`stage policy ${summary.stagePolicy}, owner ${summary.ownerUserId}`);
    },
  },
  {
    title: 'The teacher publishes',
    async run(c, note) {
      const { url } = await c.teacher.client.publish();
      note(`teacher's push URL: ${url}`);
    },
  },
  {
    title: `${STUDENTS} students join as audience`,
    async run(c, note) {
      await inBatches(c.students, (s) => c.join(s, 2));
      await c.until(() => heard(c, TEACHER, 'UserJoinedRoom') === STUDENTS && c.room(c.teacher).counts.audienceCount === STUDENTS, 'every join at the teacher');
      await c.until(() => c.students.every((s) => heard(c, s.userId, 'StreamPublished', TEACHER) === 1), "the teacher's stream at every student");
      const counts = c.room(c.teacher).counts;
      note(`${STUDENTS} students joined: the teacher heard UserJoinedRoom x${heard(c, TEACHER, 'UserJoinedRoom')}, counts ${counts.broadcasterCount}/${counts.audienceCount}`);
      note(`every student heard StreamPublished(${TEACHER}) with a pull URL`);
    },
  },
  {
    title: `Students ${RAISERS.join(', ')} raise their hands`,
    async run(c, note) {
      await Promise.all(RAISERS.map((n) => c.room(c.student(n)).raiseHand()));
      await c.until(() => heard(c, TEACHER, 'handRaised') === RAISERS.length, 'the raised hands at the teacher');
      note(`teacher heard handRaised: ${c.room(c.teacher).raisedHands.map((m) => m.userId).sort().join(', ')}`);
    },
  },
  {
    title: `The teacher invites ${studentId(INVITED)} on stage`,
    async run(c, note) {
      const uninvited = c.student(GHOST - 1);
      const refusal = await uninvited.client.setRole(1).then(() => null, (err: JRTCFailure) => err);
      if (refusal?.errorCode !== 'ROLE_FORBIDDEN') throw new Error(`an uninvited student took the stage (${String(refusal?.errorCode)})`);
      note(`${uninvited.userId} tried setRole(1) uninvited: ${refusal.errorCode} (JRTC ${refusal.code})`);
      const guest = c.student(INVITED);
      await c.room(c.teacher).inviteToStage(guest.userId);
      await c.until(() => heard(c, guest.userId, 'invited') === 1, `invited at ${guest.userId}`);
      // setRole(1) publishes at once: publishUrl is the guest's push URL, pullUrl the teacher's stream.
      const { data } = await guest.client.setRole(1);
      if (data.role !== 1 || !data.publishUrl || !data.pullUrl) throw new Error(`setRole(1) of ${guest.userId} answered ${JSON.stringify(data)}`);
      const others = [c.teacher, ...c.students.filter((s) => s !== guest)];
      await c.until(() => others.every((u) => heard(c, u.userId, 'StreamPublished', guest.userId) === 1), `${guest.userId}'s stream everywhere`);
      await c.until(() => heard(c, TEACHER, 'handLowered', guest.userId) === 1, `${guest.userId}'s hand going down`);
      note(`${guest.userId} heard invited, took the stage with setRole(1) and publishes; ${others.length} others heard StreamPublished(${guest.userId})`);
    },
  },
  {
    title: `The teacher promotes ${studentId(PROMOTED)}`,
    async run(c, note) {
      const id = studentId(PROMOTED);
      await c.room(c.teacher).promote(id);
      await c.until(() => heard(c, TEACHER, 'UserModifyRole', id, '2->1') === 1 && heard(c, TEACHER, 'handLowered', id) === 1, `${id} on stage`);
      note(`teacher heard UserModifyRole(${id}) 2->1 and handLowered(${id})`);
    },
  },
  {
    title: `The teacher demotes ${studentId(PROMOTED)}`,
    async run(c, note) {
      const id = studentId(PROMOTED);
      await c.room(c.teacher).demote(id);
      await c.until(() => heard(c, TEACHER, 'UserModifyRole', id, '1->2') === 1, `${id} back in the audience`);
      note(`teacher heard UserModifyRole(${id}) 1->2`);
    },
  },
  {
    title: `${studentId(LEAVER)} leaves (hand still up)`,
    async run(c, note) {
      const id = studentId(LEAVER);
      await c.student(LEAVER).client.leaveRoom();
      await c.until(() => heard(c, TEACHER, 'UserLeavedRoom', id) === 1 && heard(c, TEACHER, 'handLowered', id) === 1, `${id} gone`);
      note(`teacher heard UserLeavedRoom(${id}) and handLowered(${id})`);
    },
  },
  {
    title: `${studentId(GHOST)}'s app is killed (no leaveRoom)`,
    async run(c, note) {
      c.kill(c.student(GHOST));
      note(`${studentId(GHOST)} killed: its timers and watches stopped, it never said goodbye`);
    },
  },
  {
    title: 'Time passes on the cloud clock: the ghost is swept',
    async run(c, note) {
      const id = studentId(GHOST);
      const gone = (): boolean => heard(c, TEACHER, 'UserLeavedRoom', id) === 1;
      let moved = 0;
      // Small steps, each followed by the heartbeats that fell due: the living keep their lease.
      while (!gone() && moved < SWEEP_BOUND_MS) {
        c.cloud.clock.advance(CLOCK_STEP_MS);
        moved += CLOCK_STEP_MS;
        await c.settle();
      }
      await c.until(gone, `the ghost ${id} swept`, 5_000);
      const stillConnected = c.alive().filter((u) => u.room && u.room.state === 'connected').length;
      if (stillConnected !== c.alive().length - 1) throw new Error('a living member lost its session while the clock moved');
      note(`ghost ${id} swept after the cloud clock moved ${moved / 1000} s (lease ${Timing.leaseMs / 1000} s); the teacher heard UserLeavedRoom(${id})`);
    },
  },
  {
    title: 'The counts are exact',
    async run(c, note) {
      const jrtcMiniapp = c.teacher.client;
      const expected = { broadcasterCount: 2, audienceCount: STUDENTS - 3 };
      const { data: server } = await jrtcMiniapp.getRoomMemberCount();
      const anchors = (await jrtcMiniapp.getBroadcasterList()).data.map((u) => u.userId).sort();
      let audience = 0;
      for (let cursor: string | undefined; ; ) {
        const page = await jrtcMiniapp.getAudienceList({ cursor, pageSize: 10 });
        audience += page.data.length;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      // The live counts have no JRTC equivalent: the Room's, kept by countsChanged.
      const live = c.room(c.teacher).counts;
      const exact =
        server.broadcasterCount === expected.broadcasterCount &&
        server.audienceCount === expected.audienceCount &&
        live.broadcasterCount === server.broadcasterCount &&
        live.audienceCount === server.audienceCount &&
        audience === expected.audienceCount &&
        anchors.join() === [TEACHER, studentId(INVITED)].sort().join();
      if (!exact) throw new Error(`counts off: server ${JSON.stringify(server)}, live ${JSON.stringify(live)}, anchors ${anchors.join()}, audience pages ${audience}`);
      note(`counts exact: ${server.broadcasterCount} anchors (${anchors.join(', ')}), ${server.audienceCount} audience (paged: ${audience})`);
    },
  },
  {
    title: 'Class over: everyone leaves',
    async run(c, note) {
      const staying = c.students.filter((s) => !s.killed && s.room && s.room.state !== 'disconnected');
      await inBatches(staying, (s) => s.client.leaveRoom());
      await c.until(() => heard(c, TEACHER, 'UserLeavedRoom') === STUDENTS && c.room(c.teacher).counts.total === 1, 'every student gone at the teacher');
      await c.teacher.client.leaveRoom();
      note(`${staying.length} students left, then the teacher: the teacher heard UserLeavedRoom x${heard(c, TEACHER, 'UserLeavedRoom')}`);
    },
  },
  {
    title: 'The room is empty',
    async run(c, note) {
      const db = createCloudClient({ url: c.cloud.url, openid: 'demo-openid-observer' }).database();
      const roomKey = roomKeyOf(c.teacher.client.appId, c.roomId);
      // The vendor's doc(id).get() answers a one-document array (wx.cloud's answers the document).
      const [room] = (await db.collection(Collections.rooms).doc(roomKey).get()).data as Array<{ broadcasterCount?: number; audienceCount?: number }>;
      const { total } = await db.collection(Collections.members).where({ roomKey }).count();
      if (room?.broadcasterCount !== 0 || room.audienceCount !== 0 || total !== 0) {
        throw new Error(`room not empty: ${String(room?.broadcasterCount)} anchors, ${String(room?.audienceCount)} audience, ${total} member documents`);
      }
      c.ended = { total: total, broadcasterCount: room.broadcasterCount, audienceCount: room.audienceCount };
      note(`room empty: 0 anchors, 0 audience, 0 member documents`);
    },
  },
];
