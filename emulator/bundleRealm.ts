/**
 * The global object the function bundles run against. Node's loader compiles them in the main
 * context; under jest this code runs in a sandbox whose `process.env` and `Date` are copies, so
 * env vars and the clock must be applied to the bundles' own globals too. In plain Node both are
 * the same object.
 */
import { nodeModuleLoader } from './wxServerSdkShim';

let cached: typeof globalThis | null = null;

/** The main context's `globalThis` (what code loaded by Node's own loader sees). */
export function bundleGlobal(): typeof globalThis {
  if (cached) return cached;
  const Loader = nodeModuleLoader();
  const probe = new Loader('<jrtc-bundle-realm>') as unknown as { exports: unknown; _compile(source: string, filename: string): void };
  probe._compile('module.exports = globalThis;', '<jrtc-bundle-realm>');
  cached = probe.exports as typeof globalThis;
  return cached;
}

/** The distinct env objects to write: ours, and the bundles' when it is another one. */
export function envTargets(): NodeJS.ProcessEnv[] {
  const theirs = bundleGlobal().process.env;
  return theirs === process.env ? [process.env] : [process.env, theirs];
}

/** The distinct `Date` constructors to patch: ours, and the bundles' when it is another one. */
export function dateTargets(): DateConstructor[] {
  const theirs = bundleGlobal().Date;
  return theirs === Date ? [Date] : [Date, theirs];
}
