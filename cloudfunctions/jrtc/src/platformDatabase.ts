/**
 * The platform database, initialised on first use. wx-server-sdk's `init` looks up Tencent's
 * metadata service when it does not run inside Tencent's cloud, so calling it at module load would
 * reach the network whenever the bundle is merely required (tests, tooling, cold-start measurements).
 * Inside a function, the first call pays it once per instance, as the platform expects.
 */
import * as cloud from 'wx-server-sdk';
import type { Database } from '../../../shared/ports';

let db: Database | null = null;

/** The cloud database (wx-server-sdk, `throwOnNotFound: false`), after `cloud.init` on first use. */
export function platformDatabase(): Database {
  if (!db) {
    // DYNAMIC_CURRENT_ENV is declared as a symbol while `env` is typed string: the SDK accepts the
    // symbol at run time (it means "the env this function runs in").
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
    // wx-server-sdk's DB.Database is structurally wider than our port and its typings lack
    // `throwOnNotFound`; the port (ports.ts) describes exactly the subset and result shapes we rely on.
    db = cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]) as unknown as Database;
  }
  return db;
}
