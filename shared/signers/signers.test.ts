import { createHash } from 'crypto';
import { ProtocolError } from '../errors';
import { aliyunAuthQuery } from './aliyunA';
import {
  MEDIA_PROVIDERS,
  isMediaProvider,
  signPullUrls,
  signPushUrl,
  tencentTxTime,
  verifyNmsSign,
  verifyTencentTxSecret,
  type SignInput,
} from './index';

/** Node's own MD5, independent of the crypto-js one the signers use. */
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function queryOf(url: string): URLSearchParams {
  return new URLSearchParams(url.slice(url.indexOf('?') + 1));
}

describe('Tencent CSS (txSecret/txTime)', () => {
  // Tencent's documented example (intl.cloud.tencent.com/document/product/267/31560): KEY
  // e12c46f2612d5106e2034781ab261ca3, StreamName test, txTime 5C271099 → f85a2ab363fe4deaffef9754d79da6fe,
  // push URL rtmp://livepush.tcloud.com/live/test?txSecret=…&txTime=5C271099.
  const input: SignInput = {
    provider: 'tencent-css',
    key: 'e12c46f2612d5106e2034781ab261ca3',
    domain: 'livepush.tcloud.com',
    app: 'live',
    stream: 'test',
    expireAt: 0x5c271099,
  };

  it('reproduces the documented push URL', () => {
    expect(tencentTxTime(0x5c271099)).toBe('5C271099');
    expect(signPushUrl(input)).toBe(
      'rtmp://livepush.tcloud.com/live/test?txSecret=f85a2ab363fe4deaffef9754d79da6fe&txTime=5C271099',
    );
  });

  it('signs pull URLs with the same query over https by default', () => {
    const auth = 'txSecret=f85a2ab363fe4deaffef9754d79da6fe&txTime=5C271099';
    expect(signPullUrls({ ...input, domain: 'play.example.com' })).toEqual({
      rtmp: `rtmp://play.example.com/live/test?${auth}`,
      flv: `https://play.example.com/live/test.flv?${auth}`,
      hls: `https://play.example.com/live/test.m3u8?${auth}`,
    });
    expect(signPullUrls({ ...input, scheme: 'http' }).flv).toMatch(/^http:\/\//);
  });

  it('puts FLV/HLS on another port when the server serves HTTP apart from RTMP', () => {
    const urls = signPullUrls({ ...input, domain: '127.0.0.1:1935', httpPort: 8000 });
    expect(urls.rtmp).toMatch(/^rtmp:\/\/127\.0\.0\.1:1935\/live\/test\?/);
    expect(urls.flv).toMatch(/^https:\/\/127\.0\.0\.1:8000\/live\/test\.flv\?/);
    expect(urls.hls).toMatch(/^https:\/\/127\.0\.0\.1:8000\/live\/test\.m3u8\?/);
    expect(() => signPullUrls({ ...input, httpPort: 70000 })).toThrow(/httpPort/);
  });

  it('verifies what it signs, until txTime passes', () => {
    const q = queryOf(signPushUrl(input));
    const [secret, time] = [q.get('txSecret')!, q.get('txTime')!];
    expect(verifyTencentTxSecret('test', secret, time, input.key, 0x5c271099)).toBe(true);
    expect(verifyTencentTxSecret('test', secret, time, input.key, 0x5c271099 + 0.9)).toBe(true);
    expect(verifyTencentTxSecret('test', secret, time, input.key, 0x5c271099 + 1)).toBe(false);
    expect(verifyTencentTxSecret('test', secret.toUpperCase(), time, input.key, 0)).toBe(true);
  });

  it('rejects another stream, key, time or a malformed secret', () => {
    const secret = 'f85a2ab363fe4deaffef9754d79da6fe';
    expect(verifyTencentTxSecret('test2', secret, '5C271099', input.key, 0)).toBe(false);
    expect(verifyTencentTxSecret('test', secret, '5C27109A', input.key, 0)).toBe(false);
    expect(verifyTencentTxSecret('test', secret, '5C271099', 'other', 0)).toBe(false);
    expect(verifyTencentTxSecret('test', secret.slice(1), '5C271099', input.key, 0)).toBe(false);
    expect(verifyTencentTxSecret('test', secret, 'zz', input.key, 0)).toBe(false);
    expect(verifyTencentTxSecret('te/st', secret, '5C271099', input.key, 0)).toBe(false);
  });

  it('refuses an empty key', () => {
    expect(() => verifyTencentTxSecret('test', 'x', '1', '', 0)).toThrow(expect.objectContaining({ code: 'CONFIG_ERROR' }));
  });
});

describe('Aliyun type A (auth_key)', () => {
  it("reproduces Aliyun's documented examples", () => {
    // help.aliyun.com/document_detail/85113.html: /video/standard/1K.html, key aliyuncdnexp1234,
    // timestamp 1444435200 → 80cd3862d699b7118eed99103f2a3a4f (and the newer page's test.mp4 example).
    const input: SignInput = {
      provider: 'aliyun-a',
      key: 'aliyuncdnexp1234',
      domain: 'cdn.example.com',
      app: 'video',
      stream: 'standard',
      expireAt: 1444435200,
    };
    expect(aliyunAuthQuery(input, '/video/standard/1K.html')).toBe(
      'auth_key=1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f',
    );
    expect(aliyunAuthQuery(input, '/video/standard/test.mp4')).toBe(
      'auth_key=1444435200-0-0-23bf85053008f5c0e791667a313e28ce',
    );
  });

  it('signs each URL over its own path, with rand and uid', () => {
    const input: SignInput = {
      provider: 'aliyun-a',
      key: 'k3y',
      domain: 'push.example.com',
      app: 'live',
      stream: 's1',
      expireAt: 1700000000,
      rand: '477b3bbc253f467b8def6711128c7bec',
      uid: '7',
    };
    const tail = (uri: string) =>
      `1700000000-477b3bbc253f467b8def6711128c7bec-7-${md5(`${uri}-1700000000-477b3bbc253f467b8def6711128c7bec-7-k3y`)}`;
    expect(signPushUrl(input)).toBe(`rtmp://push.example.com/live/s1?auth_key=${tail('/live/s1')}`);
    expect(signPullUrls(input)).toEqual({
      rtmp: `rtmp://push.example.com/live/s1?auth_key=${tail('/live/s1')}`,
      flv: `https://push.example.com/live/s1.flv?auth_key=${tail('/live/s1.flv')}`,
      hls: `https://push.example.com/live/s1.m3u8?auth_key=${tail('/live/s1.m3u8')}`,
    });
  });

  it.each([
    ['rand', { rand: 'a-b' }],
    ['rand', { rand: '' }],
    ['uid', { uid: 'x y' }],
  ])('rejects a bad %s', (field, extra) => {
    const input = { provider: 'aliyun-a', key: 'k', domain: 'd.example.com', app: 'live', stream: 's', expireAt: 1, ...extra } as SignInput;
    expect(() => signPushUrl(input)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field } }));
  });
});

describe('node-media-server (sign=exp-md5)', () => {
  const input: SignInput = {
    provider: 'nms',
    key: 'nodemedia2017privatekey',
    domain: '127.0.0.1:1935',
    app: 'live',
    stream: 'room1_alice',
    expireAt: 1700000000,
  };
  // Independent vector: Node's crypto over the string NMS 4's verifyAuth builds.
  const hash = md5('/live/room1_alice-1700000000-nodemedia2017privatekey');

  it('matches an independently computed sign, over /app/stream for every URL, http by default', () => {
    expect(hash).toBe('b3e7a8533dd38411bce8ee6153cc75d6');
    expect(signPushUrl(input)).toBe(`rtmp://127.0.0.1:1935/live/room1_alice?sign=1700000000-${hash}`);
    expect(signPullUrls({ ...input, domain: '127.0.0.1:8000' })).toEqual({
      rtmp: `rtmp://127.0.0.1:8000/live/room1_alice?sign=1700000000-${hash}`,
      flv: `http://127.0.0.1:8000/live/room1_alice.flv?sign=1700000000-${hash}`,
      hls: `http://127.0.0.1:8000/live/room1_alice.m3u8?sign=1700000000-${hash}`,
    });
  });

  it('verifies what it signs until the expiry has passed (exp < now fails, as in NMS)', () => {
    const sign = queryOf(signPullUrls(input).flv).get('sign')!;
    expect(verifyNmsSign('/live/room1_alice', sign, input.key, 1700000000)).toBe(true);
    expect(verifyNmsSign('/live/room1_alice', sign, input.key, 1700000000.5)).toBe(true);
    expect(verifyNmsSign('/live/room1_alice', sign, input.key, 1700000001)).toBe(false);
  });

  it('hashes the expiry as a number, like NMS (leading zeros allowed)', () => {
    expect(verifyNmsSign('/live/room1_alice', `01700000000-${hash}`, input.key, 0)).toBe(true);
  });

  it('rejects another path, key, tampered or malformed signs', () => {
    const sign = `1700000000-${hash}`;
    expect(verifyNmsSign('/live/room1_bob', sign, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', sign, 'other', 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', `1700000001-${hash}`, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', `1700000000-${hash.toUpperCase()}`, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', `1700000000-${hash}-x`, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', hash, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice.flv', sign, input.key, 0)).toBe(false);
    expect(verifyNmsSign('live/room1_alice', sign, input.key, 0)).toBe(false);
    expect(verifyNmsSign('/live/room1_alice', undefined as unknown as string, input.key, 0)).toBe(false);
  });

  it('refuses an empty key (NMS would silently disable auth) and a non-finite clock', () => {
    expect(() => verifyNmsSign('/live/s', `1-${hash}`, '', 0)).toThrow(expect.objectContaining({ code: 'CONFIG_ERROR' }));
    expect(() => verifyNmsSign('/live/s', `1-${hash}`, 'k', Number.NaN)).toThrow(ProtocolError);
  });
});

describe('input validation', () => {
  const good: SignInput = { provider: 'nms', key: 'k', domain: 'media.example.com', app: 'live', stream: 's', expireAt: 1700000000 };

  it.each<[keyof SignInput, unknown]>([
    ['provider', 'wowza'],
    ['key', ''],
    ['key', undefined],
    ['domain', 'https://media.example.com'],
    ['domain', 'media.example.com/live'],
    ['domain', ''],
    ['app', 'li ve'],
    ['app', ''],
    ['stream', 'a/b'],
    ['stream', 'a?b'],
    ['stream', 'x'.repeat(129)],
    ['expireAt', 1700000000000],
    ['expireAt', 1.5],
    ['expireAt', 0],
    ['expireAt', '1700000000'],
    ['scheme', 'ftp'],
  ])('rejects %s = %p with BAD_REQUEST naming it', (field, value) => {
    const input = { ...good, [field]: value } as SignInput;
    for (const sign of [() => signPushUrl(input), () => signPullUrls(input)]) {
      let caught: unknown;
      try {
        sign();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      expect((caught as ProtocolError).code).toBe('BAD_REQUEST');
      expect((caught as ProtocolError).details).toEqual({ field });
      expect((caught as ProtocolError).message).toContain(field);
    }
  });

  it('accepts a domain with a port and the full name alphabet', () => {
    expect(signPushUrl({ ...good, domain: 'localhost:1935', app: 'A_b-9', stream: 'Z-z_0' })).toMatch(
      /^rtmp:\/\/localhost:1935\/A_b-9\/Z-z_0\?sign=1700000000-[0-9a-f]{32}$/,
    );
  });

  it('knows its providers', () => {
    expect(MEDIA_PROVIDERS).toEqual(['nms', 'tencent-css', 'aliyun-a']);
    expect(isMediaProvider('aliyun-a')).toBe(true);
    expect(isMediaProvider('aliyun-b')).toBe(false);
    expect(isMediaProvider(undefined)).toBe(false);
  });
});
