/**
 * This repository's local cloud: the generic services (store, clock, functions, timers, watch,
 * Admin API, realtime, one HTTP port) composed with what the jrtc product adds (the media server,
 * the room console, its database definition and local env), in one start order (registry.ts),
 * then provisions its collections, rules and indexes through the management API (shared/provision/).
 */
import fs from 'fs';
import path from 'path';
import { ClientAccess } from '../rules/access';
import { localFunctionEnv } from './localEnv';
import { ADMIN_PATH, AdminApi } from '../adminApi/adminApi';
import { ClientDatabase } from '../database/clientDatabase';
import { RoomConsole } from './console/roomConsole';
import { EmulatorClock } from '../timers/clock';
import { loadCloudConfig } from '../cloudConfig';
import { wxServerSdkEnv } from '../adminApi/sdkEnv';
import { FunctionsHost, assertFunctionInstances } from '../functions/functionsHost';
import { mediaAuthFromEnv } from './media/verifyUrl';
import { MediaService } from './media/mediaService';
import { RealtimeGateway } from '../realtime/gateway';
import { RuleEngine } from '../rules/rules';
import { CollectionCatalog } from '../catalog/catalog';
import { MANAGER_PATH, ManagerApi } from '../manager/managerApi';
import { OpenApiService, type OpenApiConfig } from '../openapi/openapi';
import type { ManagerCredentials } from '../manager/tc3';
import { databaseDefinition, storeIndexes, type DatabaseDefinition } from '../../shared/database';
import { provisionDatabase } from '../../shared/provision/database';
import type { Step } from '../../shared/provision/plan';
import { ServiceRegistry } from '../registry';
import { HttpServer } from '../server';
import { DocumentStore } from '../store/store';
import { TimerService } from '../timers/timers';
import { WatchService } from '../watch/watch';

/** Options of `startLocalCloud`. */
export interface LocalCloudOptions {
  /** 0 (the default) = a free port. */
  port?: number;
  /** Where the store persists; omitted = memory only. */
  dataDir?: string;
  /** The store's journal size that triggers a checkpoint (StoreOptions.journalLimitBytes; default 8 MiB). */
  journalLimitBytes?: number;
  /** Holds cloudbaserc.json and the function folders (default: this repo). */
  repoRoot?: string;
  /**
   * The collections, rules and indexes to provision (default: this product's, shared/database.ts).
   * The store's query indexes derive from it too.
   */
  database?: DatabaseDefinition;
  /**
   * Provision `database` once the cloud serves (default true), with the real @cloudbase/manager-node
   * against this cloud's management API: the code path `npm run deploy` takes (shared/provision/). Off,
   * the cloud starts with the collections its data directory already has (none in memory), and
   * any other answers -502005, as CloudBase does.
   */
  provision?: boolean;
  /** Env vars for every function, over cloudbaserc.json and `localFunctionEnv`. */
  functionEnv?: Record<string, string>;
  /** Run timer triggers on their schedule (default true); `fire` works either way. */
  timers?: boolean;
  /** A simulated round trip of every database request the functions make, in ms (AdminApiOptions.latencyMs). */
  databaseLatencyMs?: number;
  /**
   * Instances per function at most, a positive integer (FunctionsHostOptions.maxInstances; default
   * DEFAULT_FUNCTION_INSTANCES, 256: a burst of 200 phones is not queued here, CloudBase itself
   * runs up to 1,000 instances of a function). Anything else is refused before anything starts.
   */
  functionInstances?: number;
  /**
   * Instances of a function starting at once, a positive integer (FunctionsHostOptions.maxStarting;
   * default the machine's available parallelism): a burst beyond it waits for a start slot or a
   * freed instance, so that cold starts do not share the CPU until all of them time out.
   */
  functionStarts?: number;
  /** Where services log (default: stderr). */
  log?: (line: string) => void;
  /**
   * Run the local media server (emulator/jrtc/media) on these ports (0 = a free port); default off.
   * The jrtc function's push/pull domains and FLV port then follow the ports chosen.
   */
  media?: { rtmpPort: number; httpPort: number } | false;
  /**
   * The openapi (云调用) service: `templates` are the mini program's subscription templates (default
   * `local-call-invite`: thing1 caller, thing2 subject, time3 time); `voip` signs `cloud.getVoIPSign`.
   * emulator/openapi/PROTOCOL.md.
   */
  openapi?: OpenApiConfig;
}

/** A running local cloud. */
export interface LocalCloud {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /**
   * `http://127.0.0.1:<port>/admin`: the Admin API the real wx-server-sdk talks to when run with
   * `wxServerSdkEnv({adminUrl, envId})` (emulator/adminApi/sdkEnv.ts).
   */
  adminUrl: string;
  /** The env id the local cloud serves (cloudbaserc.json's envId, else 'local'). */
  envId: string;
  port: number;
  store: DocumentStore;
  clock: EmulatorClock;
  functions: FunctionsHost;
  timers: TimerService;
  watch: WatchService;
  /** The Admin API the functions' wx-server-sdk talks to (its stats count database round trips). */
  admin: AdminApi;
  /** The collections that exist, with their indexes and rules (persisted in the data directory). */
  catalog: CollectionCatalog;
  /** `http://127.0.0.1:<port>/tcb`: the management API @cloudbase/manager-node talks to through `TCB_BASE_URL`. */
  managerUrl: string;
  /** The keys management requests must be signed with. */
  managerCredentials: ManagerCredentials;
  /** The provisioning steps applied at start (none when the data directory was already provisioned, or with `provision: false`). */
  provisioned: readonly Step[];
  /** The media server, when started with `media`. */
  media: MediaService | null;
  /** Stops every service in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * This repository's root: the nearest folder above this module holding cloudbaserc.json (the
 * module runs from emulator/jrtc/ in tests and from a bundle under dist/ otherwise).
 */
export function defaultRepoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cloudbaserc.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no cloudbaserc.json above ${__dirname}`);
  }
}

/** Starts a local cloud; on any failure, whatever had started is stopped again before rejecting. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  // Checked first: a bad value must not leave a store open or a media server running.
  if (options.functionInstances !== undefined) assertFunctionInstances(options.functionInstances);
  if (options.functionStarts !== undefined) assertFunctionInstances(options.functionStarts, 'functionStarts');
  const repoRoot = options.repoRoot ?? defaultRepoRoot();
  const config = loadCloudConfig(repoRoot);
  const database = options.database ?? databaseDefinition;
  const store = await DocumentStore.open({ dir: options.dataDir, indexes: storeIndexes(database), journalLimitBytes: options.journalLimitBytes });
  let catalog: CollectionCatalog;
  try {
    // After the store: it holds the data directory's lock, and the catalog lives beside it.
    catalog = CollectionCatalog.open(options.dataDir);
  } catch (err) {
    await store.close();
    throw err;
  }
  const clock = new EmulatorClock();
  const now = (): number => clock.now();
  // The rules in force are the catalog's: what provisioning (or any management call) last set.
  const rules = catalog.ruleSet();
  const access = new ClientAccess(rules, new RuleEngine(rules), now);
  catalog.onChange(() => access.replaceRules(catalog.ruleSet()));
  const jrtcEnv = config.functions.find((f) => f.name === 'jrtc')?.envVariables ?? {};
  const media = options.media
    ? new MediaService({ ...options.media, auth: mediaAuthFromEnv({ ...jrtcEnv, ...localFunctionEnv, ...options.functionEnv }), store, now, log: options.log })
    : null;
  const functions = new FunctionsHost({
    config,
    runtimeFile: path.join(defaultRepoRoot(), 'dist', 'emulator', 'functions', 'instanceRuntime.js'),
    platformEnv: (cloudUrl) => wxServerSdkEnv({ adminUrl: `${cloudUrl}${ADMIN_PATH}`, envId: config.envId }),
    envDefaults: localFunctionEnv,
    envOverrides: options.functionEnv,
    clockOffsetMs: () => clock.offset,
    maxInstances: options.functionInstances,
    maxStarting: options.functionStarts,
    log: options.log,
  });
  const timers = new TimerService({ host: functions, triggers: config.timers, clock, enabled: options.timers ?? true, log: options.log });
  const watch = new WatchService({ store, access });
  // serverDate() follows the emulator clock, so time travel in tests moves it too.
  const admin = new AdminApi({ store, catalog, envId: config.envId, now, latencyMs: options.databaseLatencyMs, log: options.log });
  const manager = new ManagerApi({ store, catalog, envId: config.envId, now, log: options.log });
  const realtime = new RealtimeGateway({ watch, clientDb: new ClientDatabase(store, access, catalog), now });
  // The console's page is always this repo's build.
  const roomConsole = new RoomConsole({ store, now, assetsDir: path.join(defaultRepoRoot(), 'dist', 'console') });
  const server: HttpServer = new HttpServer({ port: options.port ?? 0, info: () => registry.info(), log: options.log });
  // The start order, declared once: the port first, the media server before the functions (its
  // ports become the functions' env when they connect), the services the functions call after them.
  const registry = new ServiceRegistry(
    [server, clock, ...(media ? [media] : []), functions, timers, watch, admin, manager, new OpenApiService({ ...options.openapi, envId: config.envId, now }), realtime, roomConsole],
    server,
    options.log,
  );
  let provisioned: readonly Step[] = [];
  try {
    await registry.start();
    // Provisioned as a real env is (`npm run deploy`): the same code, the real SDK, over HTTP.
    if (options.provision ?? true) {
      provisioned = (await provisionDatabase({ envId: config.envId, ...manager.credentials, baseUrl: `${server.url}${MANAGER_PATH}` }, database)).applied;
    }
  } catch (err) {
    await registry.stop();
    await store.close();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await registry.stop();
      await store.close();
    })());
  return {
    url: server.url,
    adminUrl: `${server.url}${ADMIN_PATH}`,
    envId: config.envId,
    port: server.port,
    store,
    clock,
    functions,
    timers,
    watch,
    admin,
    catalog,
    managerUrl: `${server.url}${MANAGER_PATH}`,
    managerCredentials: manager.credentials,
    provisioned,
    media,
    stop,
  };
}
