/**
 * TRTC signatures against values computed independently: Tencent's own Node library
 * (tls-sig-api-v2, a dev dependency used only here) on the same clock, compared on the decoded
 * fields and the HMAC (its zlib output need not match ours byte for byte), and one level-0 string
 * built byte by byte from zlib's stored-block format, which every zlib writes the same.
 */
import { createHmac } from 'crypto';
import { inflateSync } from 'zlib';
import { ANCHOR_PRIVILEGES, AUDIENCE_PRIVILEGES, genPrivateMapKey, genUserSig, privateMapUserBuf, tlsSigHmac, verifyTrtcSig } from './trtc';
import { parseTrtcPushUrl, trtcPlayUrl, trtcPushUrl } from './trtcUrl';

// Its package.json names two "main" files; jest's resolver takes the first, which does not exist.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TLSSigAPIv2 = (require('tls-sig-api-v2/TLSSigAPIv2.js') as { Api: TencentApi }).Api;

type TencentApi = new (sdkAppId: number, key: string) => {
  genUserSig(userId: string, expire: number): string;
  genPrivateMapKey(userId: string, expire: number, roomId: number, privileges: number): string;
  genPrivateMapKeyWithStringRoomID(userId: string, expire: number, roomId: string, privileges: number): string;
};

const SDK_APP_ID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z, unix seconds
const unescape = (s: string): string => s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
const fields = (sig: string): Record<string, unknown> => JSON.parse(inflateSync(Buffer.from(unescape(sig), 'base64')).toString('utf8'));

/** Tencent's library, its clock held at NOW. */
function tencent<T>(work: (api: InstanceType<TencentApi>) => T): T {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  try {
    return work(new TLSSigAPIv2(SDK_APP_ID, KEY));
  } finally {
    spy.mockRestore();
  }
}

const input = { sdkAppId: SDK_APP_ID, secretKey: KEY, userId: 'xiaojun', now: NOW, expireSeconds: 86400 };

test('UserSig: the same fields and HMAC as Tencent\'s library, and an HMAC computed by hand', () => {
  const ours = fields(genUserSig(input));
  expect(ours).toEqual(fields(tencent((api) => api.genUserSig('xiaojun', 86400))));
  const content = `TLS.identifier:xiaojun\nTLS.sdkappid:${SDK_APP_ID}\nTLS.time:${NOW}\nTLS.expire:86400\n`;
  expect(ours['TLS.sig']).toBe(createHmac('sha256', KEY).update(content).digest('base64'));
});

test('PrivateMapKey, numeric and string rooms: the same fields, userbuf and HMAC as Tencent\'s library', () => {
  const numeric = { ...input, room: { roomId: 1234 }, privileges: AUDIENCE_PRIVILEGES };
  expect(fields(genPrivateMapKey(numeric))).toEqual(fields(tencent((api) => api.genPrivateMapKey('xiaojun', 86400, 1234, AUDIENCE_PRIVILEGES))));
  const named = { ...input, room: { strRoomId: 'svc-7' }, privileges: ANCHOR_PRIVILEGES };
  expect(fields(genPrivateMapKey(named))).toEqual(fields(tencent((api) => api.genPrivateMapKeyWithStringRoomID('xiaojun', 86400, 'svc-7', ANCHOR_PRIVILEGES))));
  // The userbuf by hand: version 1, "xiaojun", appid, room 0, expiry, 255, account type 0, "svc-7".
  const hand = Buffer.concat([
    Buffer.from([1, 0, 7]),
    Buffer.from('xiaojun'),
    Buffer.from([0x53, 0x72, 0x4e, 0x00]), // 1400000000
    Buffer.from([0, 0, 0, 0]),
    Buffer.from((NOW + 86400).toString(16).padStart(8, '0'), 'hex'),
    Buffer.from([0, 0, 0, 255, 0, 0, 0, 0, 0, 5]),
    Buffer.from('svc-7'),
  ]);
  expect(privateMapUserBuf(named).equals(hand)).toBe(true);
});

test('at zlib level 0 the string is exact: stored blocks, as Go signs', () => {
  const json = JSON.stringify({
    'TLS.ver': '2.0',
    'TLS.identifier': 'xiaojun',
    'TLS.sdkappid': SDK_APP_ID,
    'TLS.time': NOW,
    'TLS.expire': 86400,
    'TLS.sig': tlsSigHmac(input),
  });
  const data = Buffer.from(json);
  // zlib header (no compression), one final stored block (LEN, ~LEN), the bytes, Adler-32.
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const len = Buffer.alloc(4);
  len.writeUInt16LE(data.length, 0);
  len.writeUInt16LE(~data.length & 0xffff, 2);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0, 0);
  const stored = Buffer.concat([Buffer.from([0x78, 0x01, 0x01]), len, data, adler]);
  const expected = stored.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
  expect(genUserSig({ ...input, level: 0 })).toBe(expected);
});

test('verification: a right signature passes with its room and privileges; a wrong key, app, expiry or tampering fails', () => {
  const key = { sdkAppId: SDK_APP_ID, secretKey: KEY };
  const map = genPrivateMapKey({ ...input, room: { strRoomId: 'svc-7' }, privileges: AUDIENCE_PRIVILEGES, expireSeconds: 300 });
  expect(verifyTrtcSig(map, key, NOW + 10)).toEqual({
    userId: 'xiaojun',
    expiresAt: NOW + 300,
    map: { roomId: 0, strRoomId: 'svc-7', privileges: AUDIENCE_PRIVILEGES, expiresAt: NOW + 300 },
  });
  // Tencent's own signature verifies too (another zlib, same fields).
  expect(verifyTrtcSig(tencent((api) => api.genUserSig('xiaojun', 600)), key, NOW)).toEqual({ userId: 'xiaojun', expiresAt: NOW + 600 });
  expect(verifyTrtcSig(map, { ...key, secretKey: 'x'.repeat(64) }, NOW)).toBeNull();
  expect(verifyTrtcSig(map, { ...key, sdkAppId: 1400000001 }, NOW)).toBeNull();
  expect(verifyTrtcSig(map, key, NOW + 301)).toBeNull();
  expect(verifyTrtcSig(`${map.slice(0, 20)}AAAA${map.slice(24)}`, key, NOW)).toBeNull();
  expect(verifyTrtcSig('not a signature', key, NOW)).toBeNull();
  // An audience key cannot send: its privileges say so, and the anchor's do.
  expect(AUDIENCE_PRIVILEGES & 4).toBe(0);
  expect(ANCHOR_PRIVILEGES & 4).toBe(4);
});

test('room:// URLs as trtc-wx-sdk writes them, and read back', () => {
  const userSig = genUserSig(input);
  const privateMapKey = genPrivateMapKey({ ...input, room: { strRoomId: 'svc-7' }, privileges: ANCHOR_PRIVILEGES });
  const url = trtcPushUrl({ sdkAppId: SDK_APP_ID, room: { strRoomId: 'svc-7' }, userId: 'xiaojun', userSig, privateMapKey });
  // trtc-wx-sdk 1.1.15's template (trtc-wx.js), filled by hand.
  expect(url).toBe(
    `room://cloud.tencent.com/rtc?sdkappid=${SDK_APP_ID}&strroomid=svc-7&userid=xiaojun&usersig=${userSig}&appscene=videocall&encsmall=0` +
      `&cloudenv=PRO&enableBlackStream=&streamid=&userdefinerecordid=&privatemapkey=${privateMapKey}&pureaudiomode=&recvmode=1&enableinfiniteanchor=0`,
  );
  expect(parseTrtcPushUrl(url)).toEqual({ sdkAppId: SDK_APP_ID, room: { strRoomId: 'svc-7' }, userId: 'xiaojun', userSig, privateMapKey, scene: 'videocall' });
  expect(parseTrtcPushUrl(trtcPushUrl({ sdkAppId: SDK_APP_ID, room: { roomId: 1234 }, userId: 'a', userSig: 's', scene: 'live' }))).toMatchObject({ room: { roomId: 1234 }, scene: 'live' });
  expect(trtcPlayUrl('agent')).toBe('room://cloud.tencent.com/rtc?userid=agent&streamtype=main');
  expect(parseTrtcPushUrl('rtmp://push.example.com/live/s')).toBeNull();
  expect(parseTrtcPushUrl('room://cloud.tencent.com/rtc?sdkappid=1&userid=a&usersig=s')).toBeNull();
});
