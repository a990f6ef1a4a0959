/**
 * CloudBase's error numbers and messages, one table for every service of the local cloud, as
 * wx-server-sdk 4.0.2 knows them (src/config/error.config.ts: ERR_CODE's messages and
 * TCB_ERR_CODE's names) plus the function-call numbers wx.cloud surfaces. A refusal anywhere is one
 * of these, so the same mistake gets the same number on every path.
 */

/** One CloudBase error: its number, its message and the HTTP status our own routes answer it with. */
export interface CloudErrorInfo {
  readonly errCode: number;
  readonly message: string;
  readonly status: number;
}

/** The errors the local cloud answers with, by TCB_ERR_CODE name. */
export const CloudErrors = {
  /** cloud.callFunction of a function that is not deployed (wx.cloud: FunctionName parameter could not be found). */
  FUNCTION_NOT_FOUND: { errCode: -501000, message: 'function not found', status: 404 },
  SYS_ERR: { errCode: -501001, message: 'resource system error', status: 500 },
  INVALID_PARAM: { errCode: -501007, message: 'invalid parameters', status: 400 },
  DATABASE_REQUEST_FAILED: { errCode: -502001, message: 'database request fail', status: 400 },
  DATABASE_PERMISSION_DENIED: { errCode: -502003, message: 'database permission denied', status: 403 },
  /**
   * A database call on a collection never created (wx-server-sdk TCB_ERR_CODE
   * DATABASE_COLLECTION_NOT_EXIST; its ERR_CODE message for -502005). CloudBase answers it for
   * get / count / update / doc.get / add alike; collections come from `db.createCollection` or
   * the management API (emulator/manager).
   */
  DATABASE_COLLECTION_NOT_EXIST: { errCode: -502005, message: 'database collection not exists', status: 404 },
  FUNCTIONS_EXECUTE_FAIL: { errCode: -504002, message: 'functions execute fail', status: 500 },
  /** A function that ran past its timeout (SCF's own number, as wx.cloud surfaces it). */
  FUNCTIONS_TIMEOUT: { errCode: -504003, message: 'functions execute timeout', status: 500 },
} as const satisfies Record<string, CloudErrorInfo>;

/** The HTTP status for an errCode of the table (500 for one it does not know). */
export function statusOf(errCode: number): number {
  for (const info of Object.values(CloudErrors)) if (info.errCode === errCode) return info.status;
  return 500;
}
