/**
 * How the SDK names a failure it did not get from the server: the platform's (wx.cloud's errCode /
 * errMsg) is NETWORK, worth retrying; anything else thrown is INTERNAL, a bug that must not look
 * like a lost network (it used to be NETWORK too, so pages retried bugs).
 */
import JRTCMiniappClient, { ErrorCode, JRTCError, JRTCFailure } from '../../miniprogram/lib/src/index';
import { SESSION_ENDING_CODES, TRANSIENT_CODES } from '../../shared/errors';
import { APP_ID, PULL_DOMAIN, PUSH_DOMAIN, joinParams } from './localCloud';

/** A wx.cloud whose callFunction fails with `failure`. */
function failingCloud(failure: () => Promise<never>): { callFunction: () => Promise<never>; database: () => never } {
  return {
    callFunction: failure,
    database: () => {
      throw new Error('no database in this test');
    },
  };
}

describe('SDK errors it makes itself', () => {
  test('JRTCError.from: wx.cloud failures are NETWORK, other throws INTERNAL, JRTCErrors pass through', () => {
    expect(JRTCError.from({ errCode: -1, errMsg: 'cloud.callFunction:fail request:fail' })).toMatchObject({ code: ErrorCode.NETWORK, message: 'cloud.callFunction:fail request:fail' });
    expect(JRTCError.from({ errCode: -504002 })).toMatchObject({ code: ErrorCode.NETWORK });
    expect(JRTCError.from(new TypeError("Cannot read properties of undefined (reading 'x')"))).toMatchObject({ code: ErrorCode.INTERNAL, message: "Cannot read properties of undefined (reading 'x')" });
    expect(JRTCError.from('a string')).toMatchObject({ code: ErrorCode.INTERNAL, message: 'internal error' });
    const own = JRTCError.timeout();
    expect(JRTCError.from(own)).toBe(own);
  });

  test.each([
    ['a wx.cloud failure', () => Promise.reject({ errCode: -1, errMsg: 'cloud.callFunction:fail timeout' }), ErrorCode.NETWORK],
    ['a bug (TypeError)', () => Promise.reject(new TypeError('x is not a function')), ErrorCode.INTERNAL],
  ])('joinRoom through a platform whose call fails with %s rejects with the matching code', async (_what, failure, code) => {
    const client = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: PUSH_DOMAIN, pullDomain: PULL_DOMAIN, cloud: failingCloud(failure as () => Promise<never>), platform: null });
    try {
      const joined = client.joinRoom(joinParams('err-1', 'u-err', 2));
      await expect(joined).rejects.toBeInstanceOf(JRTCFailure);
      await expect(joined).rejects.toMatchObject({ errorCode: code });
    } finally {
      client.destroy();
    }
  });

  test('the error sets live beside the table: BUSY is transient (the server changed nothing: retry), no code is both', () => {
    expect([...TRANSIENT_CODES].sort()).toEqual([ErrorCode.BUSY, ErrorCode.NETWORK, ErrorCode.TIMEOUT].sort());
    expect(SESSION_ENDING_CODES).toEqual(expect.arrayContaining([ErrorCode.KICKED, ErrorCode.SESSION_REPLACED, ErrorCode.NOT_IN_ROOM, ErrorCode.TOKEN_REVOKED]));
    expect(TRANSIENT_CODES.filter((c) => SESSION_ENDING_CODES.includes(c))).toEqual([]);
  });
});
