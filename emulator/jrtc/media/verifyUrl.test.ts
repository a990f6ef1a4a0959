import { signPullUrls, signPushUrl } from '../../../shared/signers';
import type { MediaProvider } from '../../../shared/signers';
import { refusalOf, type MediaAuthConfig, type MediaRequest } from './verifyUrl';

const NOW = 1_700_000_000;

function config(provider: MediaProvider): MediaAuthConfig {
  return { provider, pushKey: 'push-k', pullKey: 'pull-k', app: 'live' };
}

/** The request a server sees for `url`. */
function requestOf(url: string, action: MediaRequest['action'], nowSeconds = NOW): MediaRequest {
  const u = new URL(url.replace(/^rtmp:/, 'http:'));
  const [, app, name] = u.pathname.split('/');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) query[k] = k in query ? [query[k] as string, v] : v;
  return { action, protocol: url.startsWith('rtmp:') ? 'rtmp' : 'flv', app, stream: name.replace(/\.flv$/, ''), query, nowSeconds };
}

describe.each<MediaProvider>(['nms', 'tencent-css', 'aliyun-a'])('refusalOf with %s', (provider) => {
  const base = { provider, domain: '127.0.0.1:1935', app: 'live', stream: 'room_a_1', expireAt: NOW + 60 };
  const push = signPushUrl({ ...base, key: 'push-k' });
  const pull = signPullUrls({ ...base, key: 'pull-k', httpPort: 8000, scheme: 'http' });

  it('accepts what the function signs, for publish and for RTMP and FLV play', () => {
    expect(refusalOf(config(provider), requestOf(push, 'publish'))).toBeNull();
    expect(refusalOf(config(provider), requestOf(pull.rtmp, 'play'))).toBeNull();
    expect(refusalOf(config(provider), requestOf(pull.flv, 'play'))).toBeNull();
  });

  it('refuses a URL once it has expired', () => {
    expect(refusalOf(config(provider), requestOf(push, 'publish', NOW + 61))).toMatch(/signature/);
    expect(refusalOf(config(provider), requestOf(pull.flv, 'play', NOW + 61))).toMatch(/signature/);
  });

  it('refuses a pull signature for publishing, and a push signature for playing', () => {
    expect(refusalOf(config(provider), requestOf(pull.rtmp, 'publish'))).not.toBeNull();
    expect(refusalOf(config(provider), requestOf(push, 'play'))).not.toBeNull();
  });

  it('refuses another stream, another app, a repeated parameter and an empty key', () => {
    const other = requestOf(push, 'publish');
    expect(refusalOf(config(provider), { ...other, stream: 'room_b_1' })).not.toBeNull();
    expect(refusalOf(config(provider), { ...other, app: 'vod' })).toMatch(/app/);
    const doubled = requestOf(`${push}&${push.split('?')[1]}`, 'publish');
    expect(refusalOf(config(provider), doubled)).not.toBeNull();
    expect(refusalOf({ ...config(provider), pushKey: '' }, other)).toMatch(/no push key/);
  });
});
