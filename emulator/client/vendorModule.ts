/**
 * A private copy of @cloudbase/database for each simulated phone. The vendor client keeps its
 * platform and its realtime connection in statics of `Db` (Db.reqClass, Db.wsClass, Db.ws: one
 * socket, logged in as one user), so two users in one Node process would share one socket and
 * one identity. Each phone has its own copy of the SDK on a real device; here each gets a fresh
 * evaluation of the package's own files (its dependencies, bson and lodash, are shared: they
 * hold no state). The files run unchanged, compiled in the caller's realm, with two platform
 * traits of a mini program: their logs go to `log` (the realtime client logs every event), and
 * their timers never keep the Node process alive (the client leaves a 10 s acknowledgement timer
 * running after a watch closes).
 */
import fs from 'fs';
import Module from 'module';
import path from 'path';
import type * as Vendor from '@cloudbase/database';

/** The package's exports (the `Db` class with its statics, and the rest). */
export type VendorDatabaseModule = typeof Vendor;

const nodeRequire = Module.createRequire(__filename);
const entry = nodeRequire.resolve('@cloudbase/database');

/** Resolves a relative require inside the package as Node would (file, file.js, dir/index.js). */
function resolveLocal(fromDir: string, request: string): string {
  const base = path.resolve(fromDir, request);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`@cloudbase/database: cannot resolve ${request} from ${fromDir}`);
}

/**
 * A dependency as the package's compiled `import x from 'lodash.set'` expects it: with `default`.
 * Its CommonJS build calls `lodash_set_1.default(...)` with no interop helper (it was compiled
 * without esModuleInterop), which works only where a bundler adds `default`, as the bundlers of
 * mini programs do for its ES build; plain Node's require does not, and updates would throw.
 */
function withDefault(mod: unknown): unknown {
  if (mod !== null && typeof mod === 'object' && 'default' in mod) return mod;
  return { ...(mod as object), default: mod };
}

/** The prototypes of every loaded copy's error classes (weakly: a copy may go once its phone is gone). */
const vendorErrorPrototypes = new WeakSet<object>();
let toleratingRejections = false;

function isVendorError(reason: unknown): boolean {
  for (let p = reason !== null && typeof reason === 'object' ? Object.getPrototypeOf(reason) : null; p; p = Object.getPrototypeOf(p)) {
    if (vendorErrorPrototypes.has(p as object)) return true;
  }
  return false;
}

/**
 * The vendor client starts each watch from its constructor without awaiting it, so a watch whose
 * INIT_WATCH fails (denied, say) leaves a rejected promise nobody handles, after it has told the
 * watch's onError. A mini program only logs that; Node would end the process. Such rejections
 * are let go here; any other one is thrown on as Node would (unless someone else listens too).
 */
function tolerateVendorRejections(): void {
  if (toleratingRejections) return;
  toleratingRejections = true;
  const onRejection = (reason: unknown): void => {
    if (isVendorError(reason)) return;
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  };
  process.on('unhandledRejection', onRejection);
}

/**
 * The one statement of the vendor's code changed at load, and why: VirtualWebSocketClient's
 * constructor starts its INIT_WATCH with `this.initWatch();`, a promise nobody awaits. When the
 * server refuses the watch, the client first reports it to the watch's onError and then rejects
 * that promise; on a mini program that only logs "Uncaught (in promise)", while Node (and jest,
 * which fails the running test) treat it as a fault of whoever runs the code. The added handler
 * drops only that already-reported rejection; the watch's behaviour is unchanged.
 */
const PATCH = { file: path.join('realtime', 'virtual-websocket-client.js'), from: '        this.initWatch();\n', to: '        this.initWatch().catch(() => undefined);\n' };

function patched(file: string, source: string): string {
  if (!file.endsWith(PATCH.file)) return source;
  // A vendor release that moved the statement must be looked at again, not silently run unpatched.
  if (!source.includes(PATCH.from)) throw new Error(`@cloudbase/database: ${PATCH.file} no longer has the statement this loader expects`);
  return source.replace(PATCH.from, PATCH.to);
}

/** Loads a fresh copy of @cloudbase/database; `log` receives its console output (default: dropped). */
export function loadVendorDatabase(log: (level: string, args: unknown[]) => void = () => undefined): VendorDatabaseModule {
  const quietConsole = Object.fromEntries(['log', 'info', 'warn', 'error', 'debug'].map((level) => [level, (...args: unknown[]) => log(level, args)]));
  const unrefTimeout = (fn: () => void, ms?: number): NodeJS.Timeout => setTimeout(fn, ms).unref();
  const modules = new Map<string, { exports: unknown }>();
  const load = (file: string): unknown => {
    const cached = modules.get(file);
    if (cached) return cached.exports;
    const module = { exports: {} as unknown };
    modules.set(file, module);
    const dir = path.dirname(file);
    const localRequire = (request: string): unknown => (request.startsWith('.') ? load(resolveLocal(dir, request)) : withDefault(nodeRequire(request)));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a CommonJS wrapper, as Node's own loader builds one
    const run = new Function('exports', 'require', 'module', '__filename', '__dirname', 'console', 'setTimeout', `${patched(file, fs.readFileSync(file, 'utf8'))}\n//# sourceURL=${file}`);
    run(module.exports, localRequire, module, file, dir, quietConsole, unrefTimeout);
    return module.exports;
  };
  const vendor = load(entry) as VendorDatabaseModule;
  const root = path.dirname(entry);
  for (const [file, names] of [
    ['utils/error.js', ['CloudSDKError', 'TimeoutError', 'CancelledError']],
    ['realtime/error.js', ['RealtimeErrorMessageError']],
  ] as const) {
    const exported = load(path.join(root, file)) as Record<string, { prototype: object } | undefined>;
    for (const name of names) if (exported[name]) vendorErrorPrototypes.add(exported[name].prototype);
  }
  tolerateVendorRejections();
  return vendor;
}
