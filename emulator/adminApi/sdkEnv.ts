/**
 * The environment that makes the real wx-server-sdk (node-sdk 3.17.2) talk to the local cloud's
 * Admin API instead of Tencent's, by configuration alone (as the Firebase emulators' *_HOST vars):
 *
 * - TCB_CONTEXT_CNFG `{"URL": adminUrl}`: node-sdk's buildUrl (utils/tcbapiendpoint) prefers this
 *   "server inject URL" over `https://<env>.tcb-api.tencentcloudapi.com/admin`.
 * - TENCENTCLOUD_RUNENV=SCF: node-sdk then believes it runs in a cloud function, so neither
 *   `init` nor a request asks Tencent's metadata service (checkIsInternalAsync, getCurrRunEnvTag).
 * - TENCENTCLOUD_SECRETID / SECRETKEY: prepareCredentials refuses to send without them; the
 *   request is signed with them and the local cloud only checks that a signature is present.
 * - TCB_ENV / SCF_NAMESPACE: what `cloud.DYNAMIC_CURRENT_ENV` resolves to (getEnvIdFromContext).
 * - TENCENTCLOUD_REGION: set so node-sdk does not log that it is missing in SCF.
 */

/** Options of wxServerSdkEnv. */
export interface WxServerSdkEnvOptions {
  /** The Admin API, e.g. `http://127.0.0.1:<port>/admin` (LocalCloud.adminUrl). */
  adminUrl: string;
  /** The env id the local cloud serves (DYNAMIC_CURRENT_ENV resolves to it). */
  envId: string;
  /** Any non-empty values; defaults are fixed local placeholders. */
  secretId?: string;
  secretKey?: string;
  /** Defaults to ap-shanghai (only used in headers; the URL is adminUrl either way). */
  region?: string;
}

/** The env vars a process needs so the real wx-server-sdk reaches only the local cloud. */
export function wxServerSdkEnv(opts: WxServerSdkEnvOptions): Record<string, string> {
  const url = new URL(opts.adminUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`adminUrl must be http(s), got ${opts.adminUrl}`);
  return {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: opts.adminUrl }),
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_SECRETID: opts.secretId ?? 'local-cloud-secret-id',
    TENCENTCLOUD_SECRETKEY: opts.secretKey ?? 'local-cloud-secret-key',
    TENCENTCLOUD_REGION: opts.region ?? 'ap-shanghai',
    TCB_ENV: opts.envId,
    SCF_NAMESPACE: opts.envId,
    // Slow-request warnings (3 s) are noise locally.
    SILENCE: 'true',
  };
}
