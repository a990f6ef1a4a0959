/**
 * The env vars SCF sets for one event: the caller as the platform vouches for it. wx-server-sdk's
 * `getWXContext()` reads `WX_CONTEXT_KEYS` and the variables it names, `TCB_SOURCE` for SOURCE and
 * `TCB_ENV` / `SCF_NAMESPACE` for ENV (see wx-server-sdk's src/api/utils/api/getWXContext.ts).
 */

/** Who calls, as the platform would vouch for it. */
export interface CallerInfo {
  /** The simulated WeChat user (empty for triggers). */
  openid: string;
  /** The mini program's appid; defaults to the local cloud's. */
  appid?: string;
  /** Only when the user's unionid is known (the platform omits it otherwise). */
  unionid?: string;
  /** Defaults to 'wx_client' (a mini program user), which also adds `userInfo` to the event. */
  source?: string;
}

/** The appid calls carry when the caller names none. */
export const LOCAL_APPID = 'wx0000000000000000';

const API_TOKEN_PREFIX = 'local-wx-api-token:';

/**
 * The event's WX_API_TOKEN: on the platform an opaque per-invocation token that node-sdk sends as
 * `wxCloudApiToken` with every openapi call, so WeChat knows whose call it is (getVoIPSign signs with
 * that user's session_key). Locally it names the user in plain text: nothing leaves this machine.
 */
export function localApiToken(openid: string): string {
  return `${API_TOKEN_PREFIX}${openid}`;
}

/** The user a `wxCloudApiToken` names ('' for none or a token the local cloud did not issue). */
export function openidOfApiToken(token: string): string {
  return token.startsWith(API_TOKEN_PREFIX) ? token.slice(API_TOKEN_PREFIX.length) : '';
}

/** The per-event env of `caller`'s call. */
export function wxContextEnv(caller: CallerInfo): Record<string, string> {
  const source = caller.source ?? 'wx_client';
  const vars: Record<string, string> = { WX_APPID: caller.appid ?? LOCAL_APPID, WX_CLIENTIP: '127.0.0.1' };
  // A trigger has no user: no OPENID in its context, as on the platform.
  // WX_API_TOKEN is in WX_CONTEXT_KEYS as on the platform: node-sdk reads it from there, and
  // getWXContext() leaves it out (its blacklist).
  if (caller.openid) Object.assign(vars, { WX_OPENID: caller.openid, WX_API_TOKEN: localApiToken(caller.openid) });
  if (caller.unionid) vars.WX_UNIONID = caller.unionid;
  const env: Record<string, string> = { ...vars, WX_CONTEXT_KEYS: Object.keys(vars).join(','), TCB_SOURCE: source };
  if (source === 'wx_trigger') env.TRIGGER_SRC = 'timer';
  return env;
}
