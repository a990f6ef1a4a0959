/** What the landing page offers: each scenario with the part you play in it. */
import type { Scenario } from '../../utils/query';

/** One button of the landing page. */
export interface Choice {
  key: string;
  scenario: Scenario;
  part: string;
  title: string;
  hint: string;
  /** The room the choice suggests (both sides of a scenario meet there by default). */
  room: string;
}

/** The choices, the default first. */
export const CHOICES: readonly Choice[] = [
  { key: 'class-teacher', scenario: 'class', part: 'teacher', title: 'Online class: teacher', hint: 'Talk, see raised hands, invite students on stage', room: 'class-101' },
  { key: 'class-student', scenario: 'class', part: 'student', title: 'Online class: student', hint: 'Listen, raise your hand, speak when invited', room: 'class-101' },
  { key: 'service-agent', scenario: 'service', part: 'agent', title: 'Customer service: agent', hint: 'Ring a customer by userId and talk one to one', room: 'service-1' },
  { key: 'service-customer', scenario: 'service', part: 'customer', title: 'Customer service: customer', hint: 'Show your userId, get rung by an agent, answer', room: 'service-1' },
  { key: 'meeting-member', scenario: 'meeting', part: 'member', title: 'Meeting', hint: 'Everyone talks; the loudest voice is highlighted', room: 'meeting-1' },
];

/** The choice named `key` (the default for an unknown key). */
export function choiceOf(key: string): Choice {
  return CHOICES.filter((c) => c.key === key)[0] || CHOICES[0];
}
