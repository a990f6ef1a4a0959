/**
 * The real wx-server-sdk's database in this process, over a loopback Admin API on one store: the
 * unit tests' database. A handler test meets exactly what a function meets — the vendor's query
 * builders and serialisers, its error shapes (errCode -501001 without a `code` for a write
 * conflict), the Admin API's translation, and the store's lock model (store/lockTx.ts) — and
 * re-runs a transaction as production does.
 *
 * Each database gets its own wx-server-sdk instance (`createNewInstance`) whose requests go to its
 * own Admin API through node-sdk's per-instance `serviceUrl` (utils/tcbapiendpoint.ts: serviceUrl
 * beats TCB_CONTEXT_CNFG), so several stores can live in one test process. What node-sdk reads from
 * the process environment on every call (it believes it runs in a function: TENCENTCLOUD_RUNENV,
 * credentials) is set once, only where unset (sdkEnv.ts explains each variable).
 */
import { once } from 'events';
import http from 'http';
import type { AddressInfo } from 'net';
import type { DocumentStore } from '../store/store';
import { CollectionCatalog } from '../catalog/catalog';
import { MANAGER_PATH, ManagerApi } from '../manager/managerApi';
import { AdminApi } from './adminApi';
import { wxServerSdkEnv } from './sdkEnv';

/** wx-server-sdk, typed as its own typings declare it. */
type WxServerSdk = typeof import('wx-server-sdk');

/** What `cloud.database()` returns (the vendor's typings). */
export type SdkDb = ReturnType<WxServerSdk['database']>;

/** Options of openSdkDatabase. */
export interface SdkDatabaseOptions {
  /** The local cloud's time, for `db.serverDate()` (defaults to the wall clock). */
  now?: () => number;
  /** As `cloud.database({throwOnNotFound})` (default true, as the SDK's). */
  throwOnNotFound?: boolean;
  /** The env id the Admin API serves and the SDK names (default `local-test`). */
  envId?: string;
  /** A simulated database round trip in ms (AdminApiOptions.latencyMs; default 0). */
  latencyMs?: number;
  /** The collections that exist (default: a new, empty one in memory: create them first). */
  catalog?: CollectionCatalog;
}

/** A database of the real SDK bound to one store, and what serves it. */
export interface SdkDatabase {
  db: SdkDb;
  /** The Admin API in front of the store (its stats count the requests). */
  admin: AdminApi;
  /** The collections that exist; a call on any other answers -502005, as on CloudBase. */
  catalog: CollectionCatalog;
  /**
   * The management API on the same loopback server (`http://127.0.0.1:<port>/tcb`, signed with
   * LOCAL_MANAGER_CREDENTIALS), for provisioning with the real @cloudbase/manager-node.
   */
  managerUrl: string;
  /** The env id served. */
  envId: string;
  /** Stops the server and aborts open transactions; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

function ensureSdkProcessEnv(envId: string): void {
  const { TCB_CONTEXT_CNFG: _perInstance, ...env } = wxServerSdkEnv({ adminUrl: 'http://127.0.0.1/admin', envId });
  for (const [key, value] of Object.entries(env)) if (process.env[key] === undefined) process.env[key] = value;
}

/** Serves `store` through an Admin API on 127.0.0.1 and opens the real wx-server-sdk's database on it. */
export async function openSdkDatabase(store: DocumentStore, options: SdkDatabaseOptions = {}): Promise<SdkDatabase> {
  const envId = options.envId ?? 'local-test';
  ensureSdkProcessEnv(envId);
  const now = options.now ?? Date.now;
  const catalog = options.catalog ?? CollectionCatalog.open();
  const admin = new AdminApi({ store, catalog, envId, now, latencyMs: options.latencyMs });
  const manager = new ManagerApi({ store, catalog, envId, now });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (url.pathname === MANAGER_PATH ? manager.routes[0].handle(req, res, url) : admin.serve(req, res));
  });
  // As the local cloud's own server (server.ts): the SDK keeps connections alive, and a server that
  // closes an idle one after Node's default 5 s races the SDK's next request on it (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // Required here, not imported: only tests that open a database pay for loading the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as WxServerSdk & { createNewInstance(config: Record<string, unknown>): WxServerSdk };
  // The SDK's request timeout (15 s by default) is raised: this Admin API shares the test's own
  // process, so a test that fires hundreds of calls at once on a loaded CI machine would measure
  // the machine's load, not the code. Requests still time out, only later.
  const cloud = sdk.createNewInstance({ env: envId, serviceUrl: `http://127.0.0.1:${port}/admin`, timeout: 60_000 });
  const db = cloud.database({ throwOnNotFound: options.throwOnNotFound ?? true } as Parameters<WxServerSdk['database']>[0]);
  return {
    db,
    admin,
    catalog,
    managerUrl: `http://127.0.0.1:${port}${MANAGER_PATH}`,
    envId,
    async close() {
      await admin.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
