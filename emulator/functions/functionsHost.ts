/**
 * Runs the cloud functions listed in cloudbaserc.json from their built, deployable bundles
 * (`<functionRoot>/<name>/index.js`), unchanged, each in instance processes of its own as on SCF
 * (instancePool.ts), with the real wx-server-sdk: its env points it at the local cloud's admin
 * API, and each event's caller context is set the way the platform sets it (`wxContextEnv` below).
 */
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { CloudConfig, FunctionConfig } from '../cloudConfig';
import { CloudErrors, statusOf } from '../cloudErrors';
import { RawJson, decodeSegment, expectMethod, openidOf, parseBody, readJsonText, sendJson } from '../httpKit';
import { type EmulatorService, type HttpRoute, type Registry, stderrLog } from '../service';
import { callFunctionBody, type ErrorBody } from '../wire';
import { describeError } from './describeError';
import { InstancePool, type PoolOutcome } from './instancePool';

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

/**
 * The env vars SCF sets for one event of `caller`: the caller as the platform vouches for it.
 * wx-server-sdk's `getWXContext()` reads `WX_CONTEXT_KEYS` and the variables it names, `TCB_SOURCE`
 * for SOURCE and `TCB_ENV` / `SCF_NAMESPACE` for ENV (see wx-server-sdk's src/api/utils/api/getWXContext.ts).
 */
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

/** The outcome of one invocation: the function's return value, or a wx.cloud-style failure. */
export type InvokeResult = { ok: true; result: unknown; requestId: string } | InvokeFailure;

/**
 * `InvokeResult` as the HTTP server sends it: the return value as the platform serialised it
 * (undefined when the function returned nothing), so it is not parsed back only to be serialised
 * again for the response.
 */
export type WireInvokeResult = { ok: true; resultJson: string | undefined; requestId: string } | InvokeFailure;

/** A failed invocation, as wx.cloud words it. */
type InvokeFailure = ErrorBody & { ok: false; requestId: string };

/** Options of the functions host. */
export interface FunctionsHostOptions {
  config: CloudConfig;
  /** The instance bootstrap, built to dist/emulator/functions/instanceRuntime.js. */
  runtimeFile: string;
  /**
   * Env vars of every instance, given the cloud's URL (known once the host is connected to the
   * registry): where wx-server-sdk finds the local cloud.
   */
  platformEnv: (cloudUrl: string) => Record<string, string>;
  /** Env vars for every function, over those of cloudbaserc.json; other services' (Registry.functionEnv) go over these. */
  envDefaults?: Record<string, string>;
  /** Env vars for every function, over everything else (the caller's own). */
  envOverrides?: Record<string, string>;
  /** How far the local cloud's clock runs ahead, sent with each event (default 0). */
  clockOffsetMs?: () => number;
  /** Instances per function at most, a positive integer (default DEFAULT_FUNCTION_INSTANCES). */
  maxInstances?: number;
  /** An idle instance is stopped after this long (default 5 minutes). */
  idleMs?: number;
  /**
   * Instances of a function starting at once, at most (default: the machine's available
   * parallelism, at least 1): a burst waits for a start slot or a freed instance (instancePool.ts).
   */
  maxStarting?: number;
  /** Where function logs and failures go (default: stderr). */
  log?: (line: string) => void;
}

/**
 * How many instances of one function the local cloud runs at once unless told otherwise (then
 * events queue). CloudBase runs up to 1,000 instances of a function at once, one event each
 * (WeChat's answer on cloud function concurrency, "统一最大上限 1000":
 * https://developers.weixin.qq.com/community/develop/doc/0002c67d9681f020011c506ff5e400, and the
 * billing guide it points to, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/billing/postpayment.html).
 * With 256 the pool grows to a 200-phone join burst, started at the machine's pace (`maxStarting`,
 * instancePool.ts). Instances start only on demand and stop after `idleMs` idle, so the cap costs
 * nothing until a burst reaches it; a full cap would cost INSTANCE_MEMORY_MIB × 256, about 8 GiB.
 */
export const DEFAULT_FUNCTION_INSTANCES = 256;

/**
 * Memory of one idle warm instance of this repo's main function, MiB, measured with `npm run bench:instances`
 * (bench/instanceMemory.ts: 20 and 40 instances after one call each, Node 20.20, Linux x64,
 * 2026-12-07): RSS 78 (what `ps` shows; it counts the shared Node binary in every process), USS
 * 33 (its private pages: what each more instance takes; PSS 34). 256 instances ≈ 8.3 GiB.
 * `--help` prints it (cli/localCloud.ts); emulator/functions/README.md has the table.
 */
export const INSTANCE_MEMORY_MIB = { rss: 78, uss: 33 } as const;

/**
 * Throws a RangeError unless `n` is a positive integer. `what` names the setting in the message
 * (`functionInstances`, the cap of instances per function; `functionStarts`, instances starting at once).
 */
export function assertFunctionInstances(n: number, what = 'functionInstances'): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${String(n)}`);
  }
}

/** What the instances' env keeps from the host's: how to run node, and test preloads (NODE_OPTIONS). */
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'NODE_OPTIONS', 'SYSTEMROOT'];

/** Hosts the functions of one local cloud. */
export class FunctionsHost implements EmulatorService {
  readonly name = 'functions';
  /** POST /v1/functions/:name — a client's callFunction (`x-wx-openid` names the caller). */
  readonly routes: readonly HttpRoute[] = [{ path: /^\/v1\/functions\/([^/]+)$/, handle: (req, res, url) => this.serveCall(req, res, url) }];
  private readonly pools = new Map<string, { config: FunctionConfig; pool: InstancePool }>();
  private readonly log = this.options.log ?? stderrLog;
  /** Set by connect(): the cloud's URL and the env other services give functions. */
  private cloudUrl = '';
  private contributedEnv: Record<string, string> = {};

  constructor(private readonly options: FunctionsHostOptions) {
    if (options.maxInstances !== undefined) assertFunctionInstances(options.maxInstances);
    if (options.maxStarting !== undefined) assertFunctionInstances(options.maxStarting, 'functionStarts');
  }

  /** The most instances of one function that run at once (events beyond it queue). */
  get maxInstances(): number {
    return this.options.maxInstances ?? DEFAULT_FUNCTION_INSTANCES;
  }

  /** Checks every bundle exists (instances start on demand); rejects naming the first that is missing. */
  async start(): Promise<void> {
    if (!fs.existsSync(this.options.runtimeFile)) {
      throw new Error(`functions: ${this.options.runtimeFile} not found (run \`npm run build\` first)`);
    }
    for (const fn of this.options.config.functions) {
      const [fileBase, exportName] = splitHandler(fn);
      const file = path.join(fn.dir, `${fileBase}.js`);
      if (!fs.existsSync(file)) throw new Error(`function ${fn.name}: ${file} not found (run \`npm run build\` first)`);
      const pool = new InstancePool(
        () => ({
          functionName: fn.name,
          runtimeFile: this.options.runtimeFile,
          bundleFile: file,
          exportName,
          env: this.instanceEnv(fn),
          log: this.log,
        }),
        {
          maxInstances: this.maxInstances,
          idleMs: this.options.idleMs ?? 300_000,
          maxStarting: this.options.maxStarting ?? Math.max(1, os.availableParallelism()),
        },
      );
      this.pools.set(fn.name, { config: fn, pool });
    }
  }

  /** Stops every instance. */
  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map(({ pool }) => pool.stop()));
    this.pools.clear();
  }

  /** The names of the hosted functions. */
  names(): string[] {
    return [...this.pools.keys()];
  }

  /** Learns the cloud's URL (for wx-server-sdk) and the env other services give functions. */
  connect(registry: Registry): void {
    this.cloudUrl = registry.url;
    this.contributedEnv = registry.functionEnv();
  }

  /** What every instance of `name` runs with over its own config: defaults, other services', the caller's. */
  envFor(name: string): Record<string, string> {
    const fn = this.options.config.functions.find((f) => f.name === name);
    return { ...fn?.envVariables, ...this.options.envDefaults, ...this.contributedEnv, ...this.options.envOverrides };
  }

  /** Function names, their env var names (values may be secrets) and their instances. */
  getInfo(): Record<string, unknown> {
    return {
      functions: [...this.pools.values()].map(({ config, pool }) => ({
        name: config.name,
        env: Object.keys(this.envFor(config.name)).sort(),
        instances: pool.stats(),
      })),
    };
  }

  /**
   * Invokes `name` with `data` as the platform does: a client call gets `userInfo: {appId, openId}`
   * added to its event. Never rejects: a throwing function becomes an `ok: false` result.
   */
  async invoke(name: string, data: Record<string, unknown>, caller: CallerInfo): Promise<InvokeResult> {
    const wire = await this.invokeForWire(name, data, caller);
    if (!wire.ok) return wire;
    // The platform serialises the return value; parsing it gives callers exactly what they would get.
    return { ok: true, requestId: wire.requestId, result: wire.resultJson === undefined ? undefined : JSON.parse(wire.resultJson) };
  }

  /**
   * `invoke`, with the return value left as the JSON text the platform made of it. `dataJson`, when
   * given, is `data` as the request's own text, which becomes the event unparsed and unserialised
   * (the platform passes any JSON through, however deep; a re-serialisation here could overflow).
   */
  async invokeForWire(name: string, data: Record<string, unknown>, caller: CallerInfo, dataJson?: string): Promise<WireInvokeResult> {
    const requestId = crypto.randomUUID();
    const entry = this.pools.get(name);
    if (!entry) {
      return failure(requestId, CloudErrors.FUNCTION_NOT_FOUND.errCode, `[ResourceNotFound.Function] function ${name} not found`);
    }
    const source = caller.source ?? 'wx_client';
    const appid = caller.appid ?? LOCAL_APPID;
    let eventJson: string;
    try {
      eventJson = eventText(data, dataJson, source === 'wx_client' ? { appId: appid, openId: caller.openid } : undefined);
    } catch (err) {
      return failure(requestId, CloudErrors.INVALID_PARAM.errCode, `the event cannot be serialised: ${describeError(err)}`);
    }
    const env = wxContextEnv(caller);
    const timeoutMs = entry.config.timeoutSeconds * 1000;
    const context = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.options.config.envId,
      time_limit_in_ms: timeoutMs,
      memory_limit_in_mb: 256,
      // The platform also hands the caller context to the handler; node-sdk reads it from here first.
      environment: JSON.stringify(env),
    };
    let outcome: PoolOutcome;
    try {
      outcome = await entry.pool.run({ eventJson, context, env, clockOffsetMs: this.options.clockOffsetMs?.() ?? 0 }, timeoutMs);
    } catch (err) {
      outcome = { kind: 'lost', error: describeError(err), coldStart: false };
    }
    if (outcome.kind === 'done') return { ok: true, requestId, resultJson: outcome.resultJson };
    if (outcome.kind === 'timeout') {
      const text = `Invoking task timed out after ${entry.config.timeoutSeconds} seconds`;
      this.log(`[functions] ${name} (${requestId}) ${text}`);
      return failure(requestId, CloudErrors.FUNCTIONS_TIMEOUT.errCode, text, 'functions invoke timeout');
    }
    this.log(`[functions] ${name} (${requestId}) failed: ${outcome.error}`);
    return failure(requestId, CloudErrors.FUNCTIONS_EXECUTE_FAIL.errCode, outcome.error, 'functions execute fail');
  }

  private instanceEnv(fn: FunctionConfig): Record<string, string> {
    return {
      ...Object.fromEntries(INHERITED_ENV.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key] as string])),
      SCF_FUNCTIONNAME: fn.name,
      SCF_FUNCTIONVERSION: '$LATEST',
      ...this.options.platformEnv(this.cloudUrl),
      ...this.envFor(fn.name),
    };
  }

  private async serveCall(req: Parameters<HttpRoute['handle']>[0], res: Parameters<HttpRoute['handle']>[1], url: URL): Promise<void> {
    expectMethod(req, 'POST');
    const name = decodeSegment(url.pathname.slice('/v1/functions/'.length));
    const { text, value } = await readJsonText(req);
    const body = parseBody(callFunctionBody, value);
    const result = await this.invokeForWire(name, body.data ?? {}, { openid: openidOf(req) }, body.data === undefined ? undefined : dataTextOf(text));
    if (!result.ok) return sendJson(res, statusOf(result.errCode), { errCode: result.errCode, errMsg: result.errMsg, requestId: result.requestId });
    // `{result, requestId}` around the function's serialised return value: the text JSON.stringify
    // makes of the parsed value (no `result` key when the function returned nothing).
    const id = JSON.stringify(result.requestId);
    sendJson(res, 200, new RawJson(result.resultJson === undefined ? `{"requestId":${id}}` : `{"result":${result.resultJson},"requestId":${id}}`));
  }
}

/**
 * The text of the `data` value of a callFunction body written as `{"data": ...}` (the only key the
 * body may have, callFunctionBody); undefined for any other spelling (the caller then serialises).
 */
function dataTextOf(bodyText: string): string | undefined {
  const m = /^\{\s*"data"\s*:([\s\S]*)\}$/.exec(bodyText);
  return m ? m[1].trim() : undefined;
}

/**
 * The event's text: `data` (its own text when given) with the client's `userInfo` added last, as
 * `{...data, userInfo}` would (a later key wins in JSON.parse too).
 */
function eventText(data: Record<string, unknown>, dataJson: string | undefined, userInfo: Record<string, string> | undefined): string {
  if (dataJson === undefined) return JSON.stringify(userInfo ? { ...data, userInfo } : { ...data });
  if (!userInfo) return dataJson;
  const open = dataJson.slice(0, dataJson.lastIndexOf('}'));
  return `${open}${Object.keys(data).length > 0 ? ',' : ''}"userInfo":${JSON.stringify(userInfo)}}`;
}

/** A callFunction failure as wx.cloud words it. */
function failure(requestId: string, errCode: number, text: string, summary?: string): WireInvokeResult {
  const head = summary ? `errCode: ${errCode} ${summary}` : `errCode: ${errCode}`;
  return { ok: false, requestId, errCode, errMsg: `cloud.callFunction:fail Error: ${head} | errMsg: ${text}` };
}

/** `index.main` → ['index', 'main']. */
function splitHandler(fn: FunctionConfig): [string, string] {
  const handler = fn.handler;
  const dot = handler.lastIndexOf('.');
  return dot > 0 ? [handler.slice(0, dot), handler.slice(dot + 1)] : [handler, 'main'];
}
