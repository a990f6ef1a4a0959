/**
 * The vendor's database client (@cloudbase/database 1.4.3's `Db`) for one simulated phone, on the
 * Node platform (nodePlatform.ts) and pointed at a local cloud: what `wx.cloud.database()` is to a
 * mini program. Nothing of the vendor client is replaced; it is configured as @cloudbase/app
 * configures it (Db.reqClass, Db.wsClass, Db.runtime, Db.dataVersion), and the realtime URL it
 * dials comes from the local cloud's `auth.wsWebSign` answer, as CloudBase's comes from its own.
 */
import type { Db } from '@cloudbase/database';
import type { ISingleDBEvent, ISnapshot } from '@cloudbase/database/dist/commonjs/typings';
import { NodePlatform } from './nodePlatform';
import { loadVendorDatabase } from './vendorModule';

/** A vendor watch snapshot (its ISnapshot). */
export type VendorSnapshot = ISnapshot;
/** One change of a vendor snapshot (its ISingleDBEvent). */
export type VendorDocChange = ISingleDBEvent;
/** The vendor database client. */
export type VendorDb = Db;

/** One phone's vendor database and the platform under it (for tests that drop its network). */
export interface VendorDatabase {
  db: VendorDb;
  platform: NodePlatform;
}

/** Options of `createVendorDatabase`. */
export interface VendorDatabaseOptions {
  /** The local cloud, `http://127.0.0.1:<port>`. */
  url: string;
  /** The simulated WeChat user. */
  openid: string;
  /** The env id the client names (any: the local cloud has one). */
  env?: string;
  /** Receives the vendor client's console output (default: dropped). */
  log?: (level: string, args: unknown[]) => void;
}

/** A fresh vendor client for one phone (its own copy of the package: see vendorModule.ts). */
export function createVendorDatabase(options: VendorDatabaseOptions): VendorDatabase {
  const platform = new NodePlatform(options.url.replace(/\/+$/, ''), options.openid);
  const { Db: VendorDbClass } = loadVendorDatabase(options.log);
  VendorDbClass.reqClass = platform.requestClass();
  VendorDbClass.wsClass = platform.socketClass();
  VendorDbClass.runtime = 'node-local-cloud';
  VendorDbClass.dataVersion = '2020-01-10';
  return { db: new VendorDbClass({ env: options.env ?? 'local' }), platform };
}
