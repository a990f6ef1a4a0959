/**
 * The console's read of recent calls. jrtc_calls is admin-only by rule (a call's record names every
 * party; each phone reads only its own view), so the page cannot watch it as it watches rooms and
 * members; the console's server side reads it from the store, as the deployer reads its records,
 * and answers only on loopback like the pull route.
 */
import { Collections } from '../../../shared';
import { callDocSchema } from '../../../cloudfunctions/jrtc/src/calls/callDocs';
import type { DocumentStore } from '../../store/store';
import type { ConsoleCall } from './page/callList';

/** GET: the most recent calls, `{calls: ConsoleCall[]}`, newest first. */
export const CONSOLE_CALLS_ROUTE = '/v1/admin/console/calls';
/** How many calls the console lists. */
export const CALLS_LISTED = 20;

/** The `limit` most recent well-formed calls, newest first, without OPENIDs or devices. */
export async function recentCalls(store: DocumentStore, limit = CALLS_LISTED): Promise<ConsoleCall[]> {
  const docs = await store.find(Collections.calls, {}, { sort: { createdAt: -1 }, limit });
  const calls: ConsoleCall[] = [];
  for (const doc of docs) {
    // The function's own schema of the record: a document it would not write is skipped.
    const parsed = callDocSchema.safeParse(doc);
    if (!parsed.success) continue;
    const c = parsed.data;
    calls.push({
      callId: c.callId,
      appId: c.appId,
      userRoomId: c.userRoomId,
      state: c.state,
      parties: c.parties.map((p) => (p.reason ? { userId: p.userId, nickName: p.nickName, role: p.role, state: p.state, reason: p.reason } : { userId: p.userId, nickName: p.nickName, role: p.role, state: p.state })),
      createdAt: c.createdAt,
      answeredAt: c.answeredAt,
      endedAt: c.endedAt,
    });
  }
  return calls;
}
