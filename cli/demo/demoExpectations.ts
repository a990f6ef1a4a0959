/**
 * What the demo's clients must have heard once the class is over: each expected event exactly once,
 * and where the whole number is known (the teacher's roster events, errors, kicks), no more.
 */
import { TEACHER, studentId } from './demoClass';
import type { Expectation } from './demoLedger';
import { GHOST, INVITED, LEAVER, PROMOTED, RAISERS, STUDENTS } from './demoScenario';

/** The expectations for the scenario of demoScenario.ts. */
export function demoExpectations(): Expectation[] {
  const students = Array.from({ length: STUDENTS }, (_, i) => studentId(i + 1));
  const invited = studentId(INVITED);
  const promoted = studentId(PROMOTED);
  const raisers = RAISERS.map(studentId);
  const everyone = [TEACHER, ...students];
  const e: Expectation[] = [];
  const t = (event: Expectation['event'], subject: string | undefined, times: number, detail?: string): void => {
    e.push({ who: TEACHER, event, subject, detail, times });
  };

  // The teacher's roster (rosterScope 'all'): every student in once and out once, the ghost included.
  for (const s of students) {
    t('UserJoinedRoom', s, 1);
    t('UserLeavedRoom', s, 1);
  }
  t('UserJoinedRoom', undefined, STUDENTS);
  t('UserLeavedRoom', undefined, STUDENTS);
  // Hands: up once each; down once each (taken on stage, promoted, left).
  for (const s of raisers) {
    t('handRaised', s, 1);
    t('handLowered', s, 1);
  }
  t('handRaised', undefined, RAISERS.length);
  t('handLowered', undefined, RAISERS.length);
  // The stage: the invited student up, the promoted one up and down again.
  t('UserModifyRole', invited, 1, '2->1');
  t('UserModifyRole', promoted, 1, '2->1');
  t('UserModifyRole', promoted, 1, '1->2');
  t('UserModifyRole', undefined, 3);
  t('StreamPublished', invited, 1);
  t('StreamPublished', undefined, 1);
  t('StreamUnpublished', invited, 1);
  t('StreamUnpublished', undefined, 1);
  // Connected from the join to the end: no reconnecting while the clock jumped.
  t('connectionStateChanged', undefined, 1, 'disconnected:LEFT');
  t('connectionStateChanged', undefined, 1);
  t('invited', undefined, 0);

  for (const s of students) {
    // Every student heard the teacher's stream once, and the invited one's (except itself).
    e.push({ who: s, event: 'UserJoinedRoom', subject: TEACHER, times: 1 });
    e.push({ who: s, event: 'StreamPublished', subject: TEACHER, times: 1 });
    if (s !== invited) e.push({ who: s, event: 'StreamPublished', subject: invited, times: 1 });
    // An invitation (or a promotion, which invites too) is heard once, by its student only.
    e.push({ who: s, event: 'invited', times: s === invited || s === promoted ? 1 : 0 });
    // Everyone leaves once, except the ghost, which never hears anything again.
    const ghost = s === studentId(GHOST);
    e.push({ who: s, event: 'connectionStateChanged', detail: 'disconnected:LEFT', times: ghost ? 0 : 1 });
    if (ghost || s === studentId(LEAVER)) e.push({ who: s, event: 'connectionStateChanged', times: ghost ? 0 : 1 });
  }
  for (const who of everyone) {
    // onError: no failure outside a call, no reconnecting, no room ended but by leaving.
    e.push({ who, event: 'onError', times: 0 });
    e.push({ who, event: 'kicked', times: 0 });
  }
  return e;
}
