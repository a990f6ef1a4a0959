/** The shape every action handler has. */
import type { ActionName, ActionRequest, ActionResponse } from '../../../../shared';
import type { CoreDeps } from '../deps';
import type { CallerContext } from '../../../../shared/ports';

/** What a handler gets besides its validated request. */
export interface HandlerContext {
  /** The caller, with a non-empty OPENID (the router checked it). */
  caller: CallerContext;
  deps: CoreDeps;
}

/**
 * Handles one action: takes the request already validated against the action's schema, returns the
 * response data or throws a ProtocolError (the router turns both into the envelope).
 */
export type Handler<A extends ActionName> = (request: ActionRequest<A>, ctx: HandlerContext) => Promise<ActionResponse<A>>;
