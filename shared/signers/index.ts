/**
 * Pure push/pull URL signers, one module per media provider. The cloud function signs with them;
 * the local media server verifies with verifyNmsSign / verifyTencentTxSecret. Test vectors from the
 * providers' documentation live in signers.test.ts.
 */
import { aliyunAuthQuery } from './aliyunA';
import { checkSignInput, type MediaProvider, type PullUrls, type SignInput } from './input';
import { nmsAuthQuery } from './nms';
import { tencentAuthQuery } from './tencentCss';

export { MEDIA_PROVIDERS, checkSignInput, isMediaProvider } from './input';
export type { MediaProvider, PullUrls, SignInput } from './input';
export { verifyNmsSign } from './nms';
export { tencentTxTime, verifyTencentTxSecret } from './tencentCss';

/** The auth query for the request path `uri` ("/app/stream", "/app/stream.flv", "/app/stream.m3u8"). */
function authQuery(input: SignInput, uri: string): string {
  switch (input.provider) {
    case 'nms':
      return nmsAuthQuery(input);
    case 'tencent-css':
      return tencentAuthQuery(input);
    case 'aliyun-a':
      return aliyunAuthQuery(input, uri);
  }
}

/** The scheme pull URLs use when the input names none: node-media-server serves plain http. */
export function defaultPullScheme(provider: MediaProvider): 'http' | 'https' {
  return provider === 'nms' ? 'http' : 'https';
}

/**
 * The signed RTMP push URL `rtmp://domain/app/stream?<auth>`.
 * Throws ProtocolError BAD_REQUEST (details.field names the culprit) on invalid input.
 */
export function signPushUrl(input: SignInput): string {
  checkSignInput(input);
  const path = `/${input.app}/${input.stream}`;
  return `rtmp://${input.domain}${path}?${authQuery(input, path)}`;
}

/**
 * The signed pull URLs: RTMP, HTTP-FLV (`<scheme>://domain/app/stream.flv?<auth>`) and HLS
 * (`…/stream.m3u8?<auth>`). Throws ProtocolError BAD_REQUEST on invalid input.
 */
export function signPullUrls(input: SignInput): PullUrls {
  checkSignInput(input);
  const scheme = input.scheme ?? defaultPullScheme(input.provider);
  const path = `/${input.app}/${input.stream}`;
  const flvPath = `${path}.flv`;
  const hlsPath = `${path}.m3u8`;
  const httpHost = input.httpPort === undefined ? input.domain : `${input.domain.replace(/:\d+$/, '')}:${input.httpPort}`;
  return {
    rtmp: `rtmp://${input.domain}${path}?${authQuery(input, path)}`,
    flv: `${scheme}://${httpHost}${flvPath}?${authQuery(input, flvPath)}`,
    hls: `${scheme}://${httpHost}${hlsPath}?${authQuery(input, hlsPath)}`,
  };
}
