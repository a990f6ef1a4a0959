/**
 * The console's read of recent calls. jrtc_calls is admin-only by rule (a call's record names every
 * party; each phone reads only its own view), so the page cannot watch it as it watches rooms and
 * members; the console's server side reads it from the store, as the deployer reads its records,
 * and answers only on loopback like the pull route.
 */
import { z } from 'zod';
import { Collections } from '../../../shared';
import { callStateSchema, endReasonSchema, partyStateSchema } from '../../../shared/calls';
import type { DocumentStore } from '../../store/store';
import type { ConsoleCall } from './page/callList';

/** GET: the most recent calls, `{calls: ConsoleCall[]}`, newest first. */
export const CONSOLE_CALLS_ROUTE = '/v1/admin/console/calls';
/**
 * The fields of a stored call the console shows (the function's record, cloudfunctions/jrtc/src/calls/
 * callDocs.ts, which the local cloud does not import: it is built from the protocol's words instead).
 */
const storedCallSchema = z.object({
  callId: z.string(),
  appId: z.string(),
  userRoomId: z.string(),
  state: callStateSchema,
  parties: z
    .array(z.object({ userId: z.string(), nickName: z.string(), role: z.enum(['caller', 'callee']), state: partyStateSchema, reason: endReasonSchema.optional() }))
    .min(1),
  createdAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
});

/** How many calls the console lists. */
export const CALLS_LISTED = 20;

/** The `limit` most recent well-formed calls, newest first, without OPENIDs or devices. */
export async function recentCalls(store: DocumentStore, limit = CALLS_LISTED): Promise<ConsoleCall[]> {
  const docs = await store.find(Collections.calls, {}, { sort: { createdAt: -1 }, limit });
  // A document the function would not write is skipped; the schema drops unlisted fields (OPENIDs, devices).
  return docs.flatMap((doc) => {
    const parsed = storedCallSchema.safeParse(doc);
    return parsed.success ? [parsed.data] : [];
  });
}
