/**
 * The demo `npm start` / `npm run demo` play on the local cloud running in this process: an online
 * class of a teacher and 20 students, every one a real SDK client (demoClass.ts), through the steps
 * of demoScenario.ts, shown as the teacher's live roster (demoView.ts). It succeeds when each step
 * happened, the room ended empty with exact counts, and every expected SDK event was heard exactly
 * once (demoExpectations.ts). Then the customer-service scene plays one call (demoCall.ts): ring,
 * answer, talk, hang up.
 */
import type { Member, MemberCount } from '../../miniprogram/lib/src/index';
import { CALL_STEPS, DemoCall } from './demoCall';
import { DemoClass, TEACHER } from './demoClass';
import type { DemoCloud } from './demoClass';
import { demoExpectations } from './demoExpectations';
import { STEPS, STUDENTS } from './demoScenario';
import { DemoView } from './demoView';
import type { RosterState, ViewOutput } from './demoView';

export type { DemoCloud } from './demoClass';

/** Options of runDemo. */
export interface DemoOptions {
  /** Where the demo draws (default process.stdout: a table on a terminal, plain lines elsewhere). */
  out?: ViewOutput;
}

const NO_COUNTS: MemberCount = { total: 0, broadcasterCount: 0, audienceCount: 0 };

/** The teacher's view of the room, for the table. */
function rosterOf(c: DemoClass): RosterState {
  const room = c.teacher.room;
  const members: Member[] = room ? [...room.members].sort((a, b) => a.userId.localeCompare(b.userId)) : [];
  return {
    roomId: c.roomId,
    members,
    raisedHands: room ? room.raisedHands : [],
    counts: room ? room.counts : NO_COUNTS,
    ownerId: c.owner,
    state: room ? room.state : '',
    clockOffsetMs: c.cloud.clock.offset,
  };
}

/** Plays the class. Resolves with true when it ended as expected (see the file comment). */
export async function runDemo(cloud: DemoCloud, options: DemoOptions = {}): Promise<boolean> {
  const view = new DemoView(options.out ?? process.stdout);
  const c = DemoClass.open(cloud, STUDENTS);
  // The teacher's events redraw its table; of the others', only what is news for a reader.
  c.ledger.onEntry((entry) => {
    if (entry.who === TEACHER || entry.event === 'invited' || entry.event === 'onError' || entry.event === 'kicked') view.event(entry, rosterOf(c));
  });
  const problems: string[] = [];
  let call: DemoCall | undefined;
  // The class's steps, then the call's, as one run of numbered steps.
  const steps = [
    ...STEPS.map((step) => ({ title: step.title, run: (note: (line: string) => void) => step.run(c, note) })),
    ...CALL_STEPS.map((step, i) => ({
      title: step.title,
      run: async (note: (line: string) => void) => {
        if (i === 0) call = await DemoCall.open(cloud);
        if (call) await step.run(call, note);
      },
    })),
  ];
  let done = 0;
  view.print(`Demo: a class of 1 teacher and ${STUDENTS} students, each an SDK client, then a customer-service call, on ${cloud.url}`);
  view.start(steps.length);
  try {
    await c.pickRoom();
    for (const step of steps) {
      view.step(done + 1, steps.length, step.title);
      await step.run((line) => view.note(line));
      done++;
      if (done === STEPS.length) await c.settle();
    }
  } catch (err) {
    problems.push(`step ${done + 1} (${steps[done]?.title}) failed: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    view.stop(done, c.ended ? { ...rosterOf(c), members: [], raisedHands: [], counts: c.ended, state: 'class over, the room checked empty on the server' } : undefined);
    await c.close().catch((err: unknown) => problems.push(`closing the clients failed: ${String(err)}`));
    if (call) await call.close();
  }
  // The books are only worth checking after a complete run (a failed step explains itself).
  if (done === steps.length) problems.push(...c.ledger.check(demoExpectations()));
  const events = c.ledger.entries.length;
  if (problems.length === 0) {
    view.print(`Scenario OK: ${done} steps, ${events} SDK events heard in the class, each expected one exactly once; the room is empty; the call rang, was answered and hung up.`);
    return true;
  }
  for (const p of problems) view.print(`  ! ${p}`);
  view.print(`Scenario FAILED: ${problems.length} problem(s) after ${done} of ${steps.length} steps.`);
  return false;
}
