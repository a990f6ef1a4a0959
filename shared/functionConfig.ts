/**
 * The function's configuration, read from its environment variables (set per function in
 * cloudbaserc.json `envVariables`, or by the local cloud while it loads the function).
 *
 * Malformed values make the whole config invalid (every call then answers CONFIG_ERROR, so a typo is
 * loud). Values that only some actions need (app keys, media domains and keys) may be absent: the
 * actions that need them answer CONFIG_ERROR, the others keep working.
 */
import { z } from 'zod';
import { ErrorCode, Limits, ProtocolError, domainSchema, idSchema, mediaBackendSchema, stagePolicySchema } from './index';
import type { MediaBackend, StagePolicy } from './index';
import { defaultPullScheme } from './signers';
import { CallTiming } from './calls';
import type { MediaProvider, SignInput } from './signers';

/** Who may call issueToken: `open` asks the policy hook, `off` refuses every request. */
export type IssuePolicyMode = 'open' | 'off';

/**
 * Who issueToken may give an owner grant (`owner: true`): nobody (`none`, the default: owners are
 * the rooms' creators, those given ownership by transferOwnership, and the holders of an owner proof
 * from the deployer's own server), the listed OPENIDs (`allow`), or anyone (`any`: the local demo's
 * setting, never a deployment's).
 */
export type OwnerGrants = { mode: 'none' } | { mode: 'any' } | { mode: 'policy' } | { mode: 'allow'; openids: readonly string[] };

/** The validated configuration the core runs with. */
export interface JrtcConfig {
  /** JRTC_APPS: appId → appKey (server secrets). */
  apps: Readonly<Record<string, string>>;
  /** JRTC_MEDIA_PROVIDER: whose URL signature format to produce. */
  mediaProvider: MediaProvider;
  /** JRTC_PUSH_DOMAINS: hosts push URLs may point at; the first is the default. */
  pushDomains: readonly string[];
  /** JRTC_PULL_DOMAINS: hosts pull URLs may point at; the first is the default. */
  pullDomains: readonly string[];
  /** JRTC_PUSH_KEY: signing key for push URLs ('' when unset). */
  pushKey: string;
  /** JRTC_PULL_KEY: signing key for pull URLs (defaults to the push key). */
  pullKey: string;
  /** JRTC_MEDIA_APP: the media server's application path segment. */
  mediaApp: string;
  /** JRTC_URL_TTL_SECONDS: lifetime of signed push/pull URLs. */
  urlTtlSeconds: number;
  /** JRTC_PULL_SCHEME: scheme of the FLV/HLS pull URLs (default: http for nms, which serves plain http; else https). */
  pullScheme: 'http' | 'https';
  /** JRTC_PULL_HTTP_PORT: port of FLV/HLS pull URLs when it differs from RTMP's (self-hosted servers). */
  pullHttpPort?: number;
  /** JRTC_TOKEN_TTL_SECONDS: the lifetime of tokens from issueToken, and the most a client may ask for. */
  tokenTtlSeconds: number;
  /** JRTC_BIND_USER_TO_OPENID: bind each userId to the first OPENID that joins with it. */
  bindUserToOpenid: boolean;
  /** JRTC_DEFAULT_STAGE_POLICY: stage policy of newly created rooms. */
  defaultStagePolicy: StagePolicy;
  /** JRTC_HEARTBEAT_MS: how often clients heartbeat. */
  heartbeatMs: number;
  /** JRTC_LEASE_MS: a member not heard from for this long is a ghost. */
  leaseMs: number;
  /** JRTC_ISSUE_POLICY: whether issueToken serves tokens at all. */
  issuePolicy: IssuePolicyMode;
  /** JRTC_KICK_BAN_SECONDS: how long a kicked user cannot rejoin the room it was kicked from. */
  kickBanSeconds: number;
  /** JRTC_OWNER_GRANTS: `none` (default), `any` (demo only), `policy` (the policy module decides) or `allow:<openid>,<openid>...`. */
  ownerGrants: OwnerGrants;
  /**
   * JRTC_USER_IDS: which userIds issueToken serves a caller. `caller` (default): its own, derived
   * from its OPENID, and any userId already bound to its OPENID; `any` (the local demo's only):
   * whatever it asks for, first come first bound.
   */
  userIds: 'caller' | 'any';
  /** JRTC_CALL_RING_SECONDS: how long a callee rings before noAnswer (a call may ask for another). */
  callRingSeconds: number;
  /**
   * JRTC_CALL_TEMPLATE: the subscription message that rings a callee whose app is closed, or null
   * (such a callee is then offline). JSON `{"id": "<template id>", "page": "pages/call/call",
   * "data": {"thing1": "{callerName}", "time2": "{time}"}}`: each field's value may hold {callerName},
   * {callerUserId}, {subject} (the call data's `subject`, if a string) and {time} ("YYYY-MM-DD HH:mm", UTC+8).
   * The page is opened with `?callId=<id>&appId=<appId>`.
   */
  callTemplate: CallTemplate | null;
  /** JRTC_ROOM_BACKEND: the media backend of rooms whose creator asks for none (default `rtmp`). */
  roomBackend: MediaBackend;
  /** JRTC_TRTC_SDKAPPID and JRTC_TRTC_SECRET_KEY: the TRTC application `trtc` rooms sign for, or null. */
  trtc: TrtcApp | null;
}

/** A TRTC application: its SDKAppID and the secret key UserSigs are signed with (a server secret). */
export interface TrtcApp {
  sdkAppId: number;
  secretKey: string;
}

/** A subscription-message template that rings a callee (JRTC_CALL_TEMPLATE). */
export interface CallTemplate {
  id: string;
  page: string;
  data: Readonly<Record<string, string>>;
}

/** The outcome of loading the config: never thrown, so a bad deployment still answers. */
export type ConfigResult = { ok: true; config: JrtcConfig } | { ok: false; error: ProtocolError };

/** The environment variables the function reads, by config field. */
export const ConfigEnv = {
  apps: 'JRTC_APPS',
  mediaProvider: 'JRTC_MEDIA_PROVIDER',
  pushDomains: 'JRTC_PUSH_DOMAINS',
  pullDomains: 'JRTC_PULL_DOMAINS',
  pushKey: 'JRTC_PUSH_KEY',
  pullKey: 'JRTC_PULL_KEY',
  mediaApp: 'JRTC_MEDIA_APP',
  urlTtlSeconds: 'JRTC_URL_TTL_SECONDS',
  pullScheme: 'JRTC_PULL_SCHEME',
  pullHttpPort: 'JRTC_PULL_HTTP_PORT',
  tokenTtlSeconds: 'JRTC_TOKEN_TTL_SECONDS',
  bindUserToOpenid: 'JRTC_BIND_USER_TO_OPENID',
  defaultStagePolicy: 'JRTC_DEFAULT_STAGE_POLICY',
  heartbeatMs: 'JRTC_HEARTBEAT_MS',
  leaseMs: 'JRTC_LEASE_MS',
  issuePolicy: 'JRTC_ISSUE_POLICY',
  kickBanSeconds: 'JRTC_KICK_BAN_SECONDS',
  ownerGrants: 'JRTC_OWNER_GRANTS',
  userIds: 'JRTC_USER_IDS',
  callRingSeconds: 'JRTC_CALL_RING_SECONDS',
  callTemplate: 'JRTC_CALL_TEMPLATE',
  roomBackend: 'JRTC_ROOM_BACKEND',
  trtcSdkAppId: 'JRTC_TRTC_SDKAPPID',
  trtcSecretKey: 'JRTC_TRTC_SECRET_KEY',
} as const;

/** Clients need time to get a heartbeat through before their lease runs out. */
const MIN_LEASE_SLACK_MS = 2_000;

function integer(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? defaultValue);
}

function domainList() {
  return z
    .string()
    .transform((s) => s.split(',').map((d) => d.trim()).filter((d) => d.length > 0))
    .pipe(z.array(domainSchema))
    .optional()
    .transform((v) => v ?? []);
}

const booleanVar = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .optional()
  .transform((v) => (v === undefined ? true : v === 'true' || v === '1' || v === 'yes'));

/** A variable holding JSON shaped like `shape` (named in the message when it is not JSON). */
function jsonVar(shape: string) {
  return z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${shape}` });
      return z.NEVER;
    }
  });
}

const appsVar = jsonVar('{"<appId>": "<appKey>"}')
  .pipe(z.record(idSchema, z.string().min(1, 'an appKey must not be empty')))
  .optional()
  .transform((v) => v ?? {});

const envSchema = z.object({
  apps: appsVar,
  mediaProvider: z.enum(['nms', 'tencent-css', 'aliyun-a']).optional().transform((v) => v ?? 'nms'),
  pushDomains: domainList(),
  pullDomains: domainList(),
  pushKey: z.string().optional(),
  pullKey: z.string().optional(),
  mediaApp: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .optional()
    .transform((v) => v ?? 'live'),
  urlTtlSeconds: integer(600, 10, 7 * 24 * 3600),
  pullScheme: z.enum(['http', 'https']).optional(),
  pullHttpPort: z.string().regex(/^\d{1,5}$/, 'must be a port number').transform(Number).pipe(z.number().int().min(1).max(65535)).optional(),
  tokenTtlSeconds: integer(3600, 60, Limits.tokenTtlMaxSeconds),
  bindUserToOpenid: booleanVar,
  defaultStagePolicy: stagePolicySchema.optional().transform((v) => v ?? 'open'),
  heartbeatMs: integer(30_000, 1_000, 600_000),
  leaseMs: integer(40_000, 3_000, 3_600_000),
  issuePolicy: z.enum(['open', 'off']).optional().transform((v) => v ?? 'open'),
  kickBanSeconds: integer(600, 0, 30 * 24 * 3600),
  ownerGrants: z
    .string()
    .regex(/^(none|any|policy|allow:[A-Za-z0-9_-]{1,128}(,[A-Za-z0-9_-]{1,128})*)$/, 'none, any, policy, or allow:<openid>,<openid>...')
    .optional()
    .transform((v): OwnerGrants => {
      if (v === undefined || v === 'none') return { mode: 'none' };
      if (v === 'any') return { mode: 'any' };
      if (v === 'policy') return { mode: 'policy' };
      return { mode: 'allow', openids: v.slice('allow:'.length).split(',') };
    }),
  userIds: z.enum(['caller', 'any']).optional().transform((v) => v ?? 'caller'),
  callRingSeconds: integer(CallTiming.ringSeconds, 5, 120),
  callTemplate: jsonVar('{"id": "<template id>", "page": "<page path>", "data": {"<field>": "<value with {callerName}>"}}')
    .pipe(
      z.object({
        id: z.string().min(1).max(128),
        page: z.string().regex(/^[A-Za-z0-9_/-]{1,128}$/, 'a page path such as pages/call/call'),
        data: z.record(z.string().regex(/^[a-z_]+\d+$/, 'a template field key such as thing1'), z.string().max(64)),
      }),
    )
    .optional()
    .transform((v): CallTemplate | null => v ?? null),
  roomBackend: mediaBackendSchema.optional().transform((v) => v ?? 'rtmp'),
  // TRTC SDKAppIDs are 10-digit numbers starting with 14 or 16 (console); any positive 32-bit value is taken.
  trtcSdkAppId: z.string().regex(/^[1-9]\d{0,9}$/, 'a TRTC SDKAppID (digits)').transform(Number).pipe(z.number().max(0xffffffff)).optional(),
  trtcSecretKey: z.string().min(16, 'the TRTC secret key from the console (64 hex characters)').optional(),
});

/**
 * Reads and validates the configuration from environment variables (see `ConfigEnv`; empty values
 * count as unset). Never throws: a malformed variable yields `{ok: false, error}` with code
 * CONFIG_ERROR and details naming each bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const raw: Record<string, string | undefined> = {};
  for (const [field, name] of Object.entries(ConfigEnv)) {
    const value = env[name]?.trim();
    raw[field] = value ? value : undefined;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0]) as keyof typeof ConfigEnv;
      return { variable: ConfigEnv[field] ?? field, message: issue.message };
    });
    const names = [...new Set(details.map((d) => d.variable))].join(', ');
    return { ok: false, error: new ProtocolError(ErrorCode.CONFIG_ERROR, `invalid configuration: ${names}`, details) };
  }
  const v = parsed.data;
  if (v.leaseMs < v.heartbeatMs + MIN_LEASE_SLACK_MS) {
    const message = `${ConfigEnv.leaseMs} must exceed ${ConfigEnv.heartbeatMs} by at least ${MIN_LEASE_SLACK_MS} ms`;
    return {
      ok: false,
      error: new ProtocolError(ErrorCode.CONFIG_ERROR, `invalid configuration: ${message}`, [
        { variable: ConfigEnv.leaseMs, message },
      ]),
    };
  }
  const pushKey = v.pushKey ?? '';
  const { trtcSdkAppId, trtcSecretKey, ...rest } = v;
  // Half a TRTC application is a typo, not a choice: say which half is missing.
  if ((trtcSdkAppId === undefined) !== (trtcSecretKey === undefined)) {
    const variable = trtcSdkAppId === undefined ? ConfigEnv.trtcSdkAppId : ConfigEnv.trtcSecretKey;
    const message = `${ConfigEnv.trtcSdkAppId} and ${ConfigEnv.trtcSecretKey} go together`;
    return { ok: false, error: new ProtocolError(ErrorCode.CONFIG_ERROR, `invalid configuration: ${message}`, [{ variable, message }]) };
  }
  return {
    ok: true,
    config: {
      ...rest,
      trtc: trtcSdkAppId !== undefined && trtcSecretKey !== undefined ? { sdkAppId: trtcSdkAppId, secretKey: trtcSecretKey } : null,
      pushKey,
      pullKey: v.pullKey ?? pushKey,
      pullScheme: v.pullScheme ?? defaultPullScheme(v.mediaProvider),
    },
  };
}

/** The appKey of `appId`, or a typed error: CONFIG_ERROR when no app is configured at all, else APP_UNKNOWN. */
export function appKeyOf(config: JrtcConfig, appId: string): string {
  if (Object.keys(config.apps).length === 0) {
    throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no apps configured (set ${ConfigEnv.apps})`);
  }
  const key = Object.prototype.hasOwnProperty.call(config.apps, appId) ? config.apps[appId] : undefined;
  if (key === undefined) throw new ProtocolError(ErrorCode.APP_UNKNOWN, `unknown appId ${appId}`);
  return key;
}

/**
 * What the URL signers need to sign stream `stream` on `domain` under this deployment's config: the
 * push key for `push`, the pull key, scheme and HTTP port for `pull`; valid for JRTC_URL_TTL_SECONDS
 * from `nowMs` (`expireAt`, unix seconds). The room service and the local console sign alike with it.
 */
export function streamSignInput(config: JrtcConfig, direction: 'push' | 'pull', domain: string, stream: string, nowMs: number): SignInput {
  const base = { provider: config.mediaProvider, domain, app: config.mediaApp, stream, expireAt: Math.floor(nowMs / 1000) + config.urlTtlSeconds };
  return direction === 'push' ? { ...base, key: config.pushKey } : { ...base, key: config.pullKey, scheme: config.pullScheme, httpPort: config.pullHttpPort };
}
