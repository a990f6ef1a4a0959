/**
 * What `require('wx-server-sdk')` returns inside the cloud function bundles when they run on the
 * local cloud. The bundles are the deployable files, unchanged; only this one module is swapped.
 *
 * Why not the real SDK: wx-server-sdk 4.0.2 cannot run database calls offline, and its
 * `getWXContext()` reads process env vars, which is right for one event per instance in the cloud
 * and wrong for an in-process host serving concurrent calls. Here the caller context lives in an
 * AsyncLocalStorage, so each concurrent call sees its own.
 */
import { AsyncLocalStorage } from 'async_hooks';
import Module from 'module';
import type { Database } from '../cloudfunctions/jrtc/src/ports';
import type { DocumentStore } from './store';
import { createLocalDatabase } from './localDatabase';

/** What `cloud.getWXContext()` returns: the caller as the platform vouches for it. */
export interface WxContext {
  OPENID: string;
  APPID: string;
  UNIONID: string;
  ENV: string;
  /** 'wx_client' from a mini program, 'wx_trigger' from a timer, 'wx_http' / 'wx_unknown' otherwise. */
  SOURCE: string;
}

/** The local cloud a function belongs to: the store its `database()` reads and writes. */
export interface ShimBinding {
  store: DocumentStore;
  envId: string;
}

/** The options of `cloud.database(config)` the shim honours. */
export interface ShimDatabaseConfig {
  env?: unknown;
  throwOnNotFound?: boolean;
}

/** The module object the bundles receive for `require('wx-server-sdk')`. */
export interface WxServerSdkShim {
  /** Accepted and ignored: the local cloud has one environment. */
  init(config?: unknown): void;
  /** The local database over the binding's store (throwOnNotFound defaults to true, as in wx-server-sdk). */
  database(config?: ShimDatabaseConfig): Database;
  /** The current call's context. */
  getWXContext(): WxContext;
  /** Stands for "the environment the function runs in", as in wx-server-sdk. */
  readonly DYNAMIC_CURRENT_ENV: symbol;
}

interface CallScope {
  binding: ShimBinding;
  context: WxContext;
}

const calls = new AsyncLocalStorage<CallScope>();
/** Set only during the synchronous require of a bundle, for `database()` calls at module top level. */
let loadingBinding: ShimBinding | null = null;

function currentBinding(): ShimBinding {
  const binding = calls.getStore()?.binding ?? loadingBinding;
  if (!binding) throw new Error('wx-server-sdk (local cloud): called outside a function load or invocation');
  return binding;
}

/** The single shim object; which cloud it talks to is decided per call, never by a global. */
export const wxServerSdkShim: WxServerSdkShim = {
  init(): void {
    // The real SDK picks credentials and an env here; the local cloud has neither to pick.
  },
  database(config?: ShimDatabaseConfig): Database {
    return createLocalDatabase(currentBinding().store, { throwOnNotFound: config?.throwOnNotFound ?? true });
  },
  getWXContext(): WxContext {
    const scope = calls.getStore();
    // Outside a call the real SDK reads empty env vars and returns empty strings; so do we.
    if (!scope) return { OPENID: '', APPID: '', UNIONID: '', ENV: loadingBinding?.envId ?? '', SOURCE: '' };
    return { ...scope.context };
  },
  DYNAMIC_CURRENT_ENV: Symbol.for('wx-server-sdk.DYNAMIC_CURRENT_ENV'),
};

/** Runs `fn` (one function invocation) with its own caller context and binding. */
export function runInCall<T>(binding: ShimBinding, context: WxContext, fn: () => T): T {
  return calls.run({ binding, context }, fn);
}

/** Runs the synchronous `load` (a bundle's require) with `binding` visible to top-level SDK calls. */
export function withLoadingBinding<T>(binding: ShimBinding, load: () => T): T {
  const previous = loadingBinding;
  loadingBinding = binding;
  try {
    return load();
  } finally {
    loadingBinding = previous;
  }
}

// ---- resolution hook ------------------------------------------------------------------------

/** The statics of Node's CommonJS loader that the host needs (not in @types/node). */
export interface NodeModuleLoader {
  new (id: string, parent?: unknown): NodeModuleInstance;
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, NodeModuleInstance | undefined>;
}

/** A CommonJS module record (the fields the host touches). */
export interface NodeModuleInstance {
  id: string;
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  load(filename: string): void;
}

/**
 * Node's real loader class. Under jest, `require('module')` is a subclass whose statics are copies,
 * so hooking them would change nothing; the real class is its prototype.
 */
export function nodeModuleLoader(): NodeModuleLoader {
  const imported = Module as unknown as NodeModuleLoader;
  const parent = Object.getPrototypeOf(imported) as Partial<NodeModuleLoader> | null;
  return parent && typeof parent._resolveFilename === 'function' ? (parent as NodeModuleLoader) : imported;
}

/** The cache key the shim sits under; not a path, so nothing on disk can collide with it. */
const SHIM_ID = '\0jrtc-local-cloud:wx-server-sdk';
const bundleFiles = new Map<string, number>();
let restoreResolver: (() => void) | null = null;

/**
 * Makes `require('wx-server-sdk')` from `bundleFile` resolve to the shim (and nothing else change).
 * Counted per file; the returned function undoes one registration and unhooks after the last.
 */
export function registerShimFor(bundleFile: string): () => void {
  const loader = nodeModuleLoader();
  if (!restoreResolver) {
    const original = loader._resolveFilename;
    // A loaded cache entry: Node's loader returns its exports without touching the disk.
    const cached = new loader(SHIM_ID);
    cached.filename = SHIM_ID;
    cached.loaded = true;
    cached.exports = wxServerSdkShim;
    loader._cache[SHIM_ID] = cached;
    const hooked = function (this: unknown, request: string, parent: unknown, ...rest: unknown[]): string {
      const from = (parent as { filename?: unknown } | null)?.filename;
      if (request === 'wx-server-sdk' && typeof from === 'string' && bundleFiles.has(from)) return SHIM_ID;
      return original.call(this, request, parent, ...rest);
    };
    loader._resolveFilename = hooked;
    restoreResolver = () => {
      if (loader._resolveFilename === hooked) loader._resolveFilename = original;
      delete loader._cache[SHIM_ID];
    };
  }
  bundleFiles.set(bundleFile, (bundleFiles.get(bundleFile) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (bundleFiles.get(bundleFile) ?? 1) - 1;
    if (left > 0) bundleFiles.set(bundleFile, left);
    else bundleFiles.delete(bundleFile);
    if (bundleFiles.size === 0 && restoreResolver) {
      restoreResolver();
      restoreResolver = null;
    }
  };
}
