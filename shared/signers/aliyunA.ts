/**
 * Aliyun (ApsaraVideo Live / CDN) URL signing type A (鉴权方式A), as its docs describe it
 * (help.aliyun.com/document_detail/85113.html): `auth_key=<timestamp>-<rand>-<uid>-<md5hash>` with
 * md5hash = md5("<URI>-<timestamp>-<rand>-<uid>-<PrivateKey>"), URI being the request path without
 * its query: "/app/stream" for RTMP, "/app/stream.flv" and "/app/stream.m3u8" for HTTP.
 */
import { checkAliyunPart, md5Hex, type SignInput } from './input';

/** The `auth_key=…` query for the request path `uri` (input already validated). */
export function aliyunAuthQuery(input: SignInput, uri: string): string {
  const rand = input.rand ?? '0';
  const uid = input.uid ?? '0';
  checkAliyunPart('rand', rand);
  checkAliyunPart('uid', uid);
  const prefix = `${input.expireAt}-${rand}-${uid}`;
  return `auth_key=${prefix}-${md5Hex(`${uri}-${prefix}-${input.key}`)}`;
}
