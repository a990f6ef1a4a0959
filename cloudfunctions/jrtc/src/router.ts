/**
 * The function's one entry point into the core: routes `event.action`, validates the payload with
 * the action's schema from shared/actions.ts, runs the handler and answers the reply envelope.
 * It never throws: whatever happens, the caller gets `{ok: true, data}` or `{ok: false, error}`.
 */
import type { z } from 'zod';
import { ErrorCode, ProtocolError, actions, fail, isActionName, ok, roomKeyOf, toProtocolError } from '../../../shared';
import type { ActionName, Reply } from '../../../shared';
import type { CoreDeps } from './deps';
import { handlers, roomSweeps } from './handlers';
import { trySweepRoom } from './sweep';
import type { Handler } from './handlers';
import type { CallerContext } from '../../../shared/ports';

/** At most this many validation problems are reported (a huge payload must not make a huge reply). */
const MAX_ISSUES = 10;

/** One validation problem, as BAD_REQUEST details list them. */
export interface Issue {
  /** Dot path of the offending field ('' for the payload itself). */
  path: string;
  message: string;
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.'),
    message: issue.message,
  }));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs one validated action. Kept generic so the request type follows the action name. */
async function run<A extends ActionName>(
  name: A,
  payload: Record<string, unknown>,
  caller: CallerContext,
  deps: CoreDeps,
): Promise<unknown> {
  const parsed = actions[name].request.safeParse(payload);
  if (!parsed.success) {
    throw new ProtocolError(ErrorCode.BAD_REQUEST, `invalid ${name} request`, toIssues(parsed.error));
  }
  // The map's type ties each name to its handler; indexing with a generic name needs this one cast.
  const handler = handlers[name] as unknown as Handler<A>;
  const request = parsed.data as Parameters<Handler<A>>[0];
  const result = await handler(request, { caller, deps });
  // Only after success: a refused call changes nothing, not even another member's expired lease.
  const room = roomSweeps[name] === 'after' ? roomOf(request) : null;
  if (room !== null) await trySweepRoom(deps, room);
  return result;
}

/** The room key a validated room action names (every action but issueToken carries appId and userRoomId). */
function roomOf(request: unknown): string | null {
  const { appId, userRoomId } = request as { appId?: unknown; userRoomId?: unknown };
  return typeof appId === 'string' && typeof userRoomId === 'string' ? roomKeyOf(appId, userRoomId) : null;
}

/**
 * Handles one call: `event` is `{action, ...payload}` as `callFunction` delivers it (the platform's
 * `userInfo` is ignored), `caller` is who the platform says is calling. Non-object event →
 * BAD_REQUEST; missing or unknown action → UNKNOWN_ACTION; empty OPENID → UNAUTHENTICATED; payload
 * not matching the schema → BAD_REQUEST with details `[{path, message}]`; a handler's ProtocolError →
 * its code; anything else → INTERNAL (logged, never sent).
 */
export async function handle(event: unknown, caller: CallerContext, deps: CoreDeps): Promise<Reply<unknown>> {
  let name: string = '?';
  try {
    if (!isPlainObject(event)) throw new ProtocolError(ErrorCode.BAD_REQUEST, 'the call data must be an object');
    const { action, userInfo: _platform, ...payload } = event;
    if (!isActionName(action)) {
      const shown = typeof action === 'string' ? action.slice(0, 64) : typeof action;
      throw new ProtocolError(ErrorCode.UNKNOWN_ACTION, `unknown action: ${shown}`);
    }
    name = action;
    if (!caller || typeof caller.OPENID !== 'string' || caller.OPENID.length === 0) {
      throw new ProtocolError(ErrorCode.UNAUTHENTICATED, 'no caller identity: call from a mini program');
    }
    return ok(await run(action, payload, caller, deps));
  } catch (err) {
    const protocolError = toProtocolError(err);
    if (protocolError.code === ErrorCode.INTERNAL && !(err instanceof ProtocolError)) {
      console.error(`jrtc: ${name} failed unexpectedly`, err);
    }
    return fail(protocolError);
  }
}
