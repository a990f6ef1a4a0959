/**
 * A wx.cloud-shaped client of the local cloud for Node: what a mini program does with `wx.cloud`,
 * as a simulated user (`openid`). `callFunction` posts to the local cloud's function route;
 * `database()` is the vendor's own client (@cloudbase/database 1.4.3's `Db`), so the SDK's watches
 * run on CloudBase's realtime client and protocol. The SDK takes a `CloudLike`, so the demo and the
 * tests hand it this client where a mini program hands it `wx.cloud`.
 */
import type { Db } from '@cloudbase/database';
import type { ISingleDBEvent, ISnapshot } from '@cloudbase/database/dist/commonjs/typings';
import { OPENID_HEADER } from '../wire';
import { NodePlatform, postJson } from './nodePlatform';
import { loadVendorDatabase } from './vendorModule';

export { CloudCallError } from './nodePlatform';

/** The vendor database client. */
export type VendorDb = Db;
/** A vendor watch snapshot (its ISnapshot). */
export type WatchSnapshot = ISnapshot;
/** One change of a vendor snapshot (its ISingleDBEvent). */
export type WatchDocChange = ISingleDBEvent;

/** What `callFunction` resolves with. `requestID` is optional because wx.cloud's typings omit it. */
export interface CallFunctionResult {
  result: unknown;
  errMsg: string;
  requestID?: string;
}

/** The structural subset of miniprogram-api-typings' `wx.cloud` that the SDK uses. */
export interface WxCloudLike {
  init(config?: { env?: string; traceUser?: boolean }): void;
  callFunction(params: { name: string; data?: Record<string, unknown> }): Promise<CallFunctionResult>;
  database(config?: { env?: string }): VendorDb;
}

/** The local cloud's client: a WxCloudLike plus test hooks on its network. */
export interface CloudClient extends WxCloudLike {
  callFunction(params: { name: string; data?: Record<string, unknown> }): Promise<CallFunctionResult & { requestID: string }>;
  /** Drops the realtime socket abruptly, as a network change would; the vendor client reconnects and rebuilds its watches. */
  dropConnections(): void;
  /**
   * Ends the realtime socket as CloudBase's server does when it revokes a login: every current
   * watch gets `onError` (the vendor's SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_CLOSED)
   * and is closed; a consumer must watch again (and gets a fresh init).
   */
  failWatches(): void;
}

/** Creates a client of the local cloud at `url` acting as WeChat user `openid`. */
export function createCloudClient(options: { url: string; openid: string }): CloudClient {
  const url = options.url.replace(/\/+$/, '');
  // One vendor client per phone, made when first asked for, as wx.cloud.database() is: its own copy
  // of the package (vendorModule.ts) on the Node platform (nodePlatform.ts), configured as
  // @cloudbase/app configures it. The realtime URL it dials comes from the local cloud's
  // `auth.wsWebSign` answer, as CloudBase's comes from its own.
  let vendor: { db: VendorDb; platform: NodePlatform } | null = null;
  const database = (): { db: VendorDb; platform: NodePlatform } => {
    if (vendor) return vendor;
    const platform = new NodePlatform(url, options.openid);
    const { Db: VendorDbClass } = loadVendorDatabase();
    VendorDbClass.reqClass = platform.requestClass();
    VendorDbClass.wsClass = platform.socketClass();
    VendorDbClass.runtime = 'node-local-cloud';
    VendorDbClass.dataVersion = '2020-01-10';
    return (vendor = { db: new VendorDbClass({ env: 'local' }), platform });
  };
  return {
    init: () => undefined,
    async callFunction(params) {
      const res = await postJson<{ result: unknown; requestId: string }>(
        `${url}/v1/functions/${encodeURIComponent(params.name)}`,
        { data: params.data ?? {} },
        { [OPENID_HEADER]: options.openid },
        'cloud.callFunction',
      );
      return { result: res.result, errMsg: 'cloud.callFunction:ok', requestID: res.requestId };
    },
    database: () => database().db,
    dropConnections: () => vendor?.platform.drop(),
    failWatches: () => vendor?.platform.fail(),
  };
}
