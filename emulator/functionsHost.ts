/**
 * Runs the cloud functions listed in cloudbaserc.json from their built, deployable bundles
 * (`<functionRoot>/<name>/index.js`), unchanged. `require('wx-server-sdk')` inside a bundle gets the
 * shim; each call runs with its own caller context; env vars exist only while a bundle loads.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { envTargets } from './bundleRealm';
import type { CloudConfig, FunctionConfig } from './cloudConfig';
import type { EmulatorService } from './service';
import type { DocumentStore } from './store';
import { nodeModuleLoader, registerShimFor, runInCall, withLoadingBinding } from './wxServerSdkShim';
import type { ShimBinding, WxContext } from './wxServerSdkShim';

/** Who calls, as the platform would vouch for it. */
export interface CallerInfo {
  /** The simulated WeChat user (empty for triggers). */
  openid: string;
  /** The mini program's appid; defaults to the local cloud's. */
  appid?: string;
  /** Defaults to 'wx_client' (a mini program user), which also adds `userInfo` to the event. */
  source?: string;
}

/** The outcome of one invocation: the function's return value, or a wx.cloud-style failure. */
export type InvokeResult =
  | { ok: true; result: unknown; requestId: string }
  | { ok: false; errCode: number; errMsg: string; requestId: string };

/**
 * `InvokeResult` as the HTTP server sends it: the return value as the platform serialised it
 * (undefined when the function returned nothing), so it is not parsed back only to be serialised
 * again for the response.
 */
export type WireInvokeResult =
  | { ok: true; resultJson: string | undefined; requestId: string }
  | { ok: false; errCode: number; errMsg: string; requestId: string };

/** Options of the functions host. */
export interface FunctionsHostOptions {
  store: DocumentStore;
  config: CloudConfig;
  /** Env vars for every function, over those of cloudbaserc.json. */
  envOverrides?: Record<string, string>;
  /** Where function failures are logged (default: stderr). */
  log?: (line: string) => void;
}

/** The appid calls carry when the caller names none. */
export const LOCAL_APPID = 'wx0000000000000000';

/** wx-server-sdk's code for a function that threw. */
const FUNCTION_EXECUTE_FAIL = -504002;
/** The platform's code for a function that does not exist. */
const FUNCTION_NOT_FOUND = -501000;

type Handler = (event: unknown, context: unknown) => unknown;

interface LoadedFunction {
  config: FunctionConfig;
  handler: Handler;
  unregister: () => void;
}

/** Hosts the functions of one local cloud. */
export class FunctionsHost implements EmulatorService {
  readonly name = 'functions';
  private readonly loaded = new Map<string, LoadedFunction>();
  private readonly binding: ShimBinding;
  private readonly log: (line: string) => void;

  constructor(private readonly options: FunctionsHostOptions) {
    this.binding = { store: options.store, envId: options.config.envId };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Loads every function; rejects naming the first bundle that is missing or fails to load. */
  async start(): Promise<void> {
    try {
      for (const fn of this.options.config.functions) this.loaded.set(fn.name, this.load(fn));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Forgets the loaded functions and unhooks the shim. */
  async stop(): Promise<void> {
    for (const fn of this.loaded.values()) fn.unregister();
    this.loaded.clear();
  }

  /** The names of the loaded functions. */
  names(): string[] {
    return [...this.loaded.keys()];
  }

  /** Function names and their env var names (values may be secrets). */
  getInfo(): Record<string, unknown> {
    return {
      functions: [...this.loaded.values()].map((f) => ({
        name: f.config.name,
        env: Object.keys({ ...f.config.envVariables, ...this.options.envOverrides }).sort(),
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

  /** `invoke`, with the return value left as the JSON text the platform made of it. */
  async invokeForWire(name: string, data: Record<string, unknown>, caller: CallerInfo): Promise<WireInvokeResult> {
    const requestId = crypto.randomUUID();
    const fn = this.loaded.get(name);
    if (!fn) {
      return {
        ok: false,
        requestId,
        errCode: FUNCTION_NOT_FOUND,
        errMsg: `cloud.callFunction:fail Error: errCode: ${FUNCTION_NOT_FOUND} | errMsg: [ResourceNotFound.Function] function ${name} not found`,
      };
    }
    const source = caller.source ?? 'wx_client';
    const appid = caller.appid ?? LOCAL_APPID;
    const event = source === 'wx_client' ? { ...data, userInfo: { appId: appid, openId: caller.openid } } : { ...data };
    const context: WxContext = { OPENID: caller.openid, APPID: appid, UNIONID: '', ENV: this.binding.envId, SOURCE: source };
    const platformContext = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.binding.envId,
      time_limit_in_ms: fn.config.timeoutSeconds * 1000,
      memory_limit_in_mb: 256,
    };
    try {
      const result: unknown = await runInCall(this.binding, context, () => fn.handler(event, platformContext));
      return { ok: true, requestId, resultJson: platformJson(result) };
    } catch (err) {
      const text = describeError(err);
      this.log(`[functions] ${name} (${requestId}) failed: ${text}`);
      return {
        ok: false,
        requestId,
        errCode: FUNCTION_EXECUTE_FAIL,
        errMsg: `cloud.callFunction:fail Error: errCode: ${FUNCTION_EXECUTE_FAIL} functions execute fail | errMsg: ${text}`,
      };
    }
  }

  private load(fn: FunctionConfig): LoadedFunction {
    const [fileBase, exportName] = splitHandler(fn);
    const file = path.join(fn.dir, `${fileBase}.js`);
    if (!fs.existsSync(file)) throw new Error(`function ${fn.name}: ${file} not found (run \`npm run build\` first)`);
    const unregister = registerShimFor(file);
    try {
      const exports = withEnv({ ...fn.envVariables, ...this.options.envOverrides }, () =>
        withLoadingBinding(this.binding, () => requireFresh(file)),
      );
      const handler = (exports as Record<string, unknown> | null)?.[exportName];
      if (typeof handler !== 'function') throw new Error(`function ${fn.name}: ${file} exports no ${exportName}()`);
      return { config: fn, handler: handler as Handler, unregister };
    } catch (err) {
      unregister();
      throw err instanceof Error && err.message.startsWith(`function ${fn.name}`)
        ? err
        : new Error(`function ${fn.name}: loading ${file} failed: ${describeError(err)}`);
    }
  }
}

/** `index.main` → ['index', 'main']. */
function splitHandler(fn: FunctionConfig): [string, string] {
  const handler = fn.handler;
  const dot = handler.lastIndexOf('.');
  return dot > 0 ? [handler.slice(0, dot), handler.slice(dot + 1)] : [handler, 'main'];
}

/**
 * Loads `file` as a new CommonJS module with Node's own loader, never from (or into) the require
 * cache: every local cloud gets its own instance of a bundle, with its own top-level state.
 */
function requireFresh(file: string): unknown {
  const Loader = nodeModuleLoader();
  const mod = new Loader(file);
  mod.filename = file;
  mod.paths = Loader._nodeModulePaths(path.dirname(file));
  mod.load(file);
  return mod.exports;
}

/** Runs the synchronous `fn` with `env` in process.env, then restores every touched variable. */
function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const restores: Array<() => void> = [];
  for (const target of envTargets()) {
    for (const [key, value] of Object.entries(env)) {
      const saved = target[key];
      target[key] = value;
      restores.push(() => {
        if (saved === undefined) delete target[key];
        else target[key] = saved;
      });
    }
  }
  try {
    return fn();
  } finally {
    for (const restore of restores.reverse()) restore();
  }
}

/** A readable one-line description of anything thrown (errors may come from another realm). */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    const name = (err as { name?: unknown }).name;
    return `${typeof name === 'string' ? name : 'Error'}: ${(err as { message: string }).message}`;
  }
  return String(err);
}

/**
 * The platform's serialisation of a return value. A value JSON cannot hold (a function, a symbol)
 * fails the call with the same SyntaxError the parse of the platform's round trip throws.
 */
function platformJson(result: unknown): string | undefined {
  if (result === undefined) return undefined;
  const json = JSON.stringify(result) as string | undefined;
  if (json === undefined) JSON.parse(String(json));
  return json;
}
