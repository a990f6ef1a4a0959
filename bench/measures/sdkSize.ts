/** SDK gzip size next to the peers' published builds (figures from their npm packages). */
import fs from 'fs';
import path from 'path';
import zlib from 'zlib';

/** The SDK's gzip budget (issue 9: features beat bytes; scripts/build-sdk.js enforces the same figure). */
export const SDK_GZIP_BUDGET = 10240;

/** Gzipped sizes (bytes) of the peers' published mini program SDK builds. */
export const peerGzipBytes = {
  'trtc-wx-sdk': 7849,
  'Agora miniapp': 35054,
  'Zego miniprogram': 132708,
} as const;

/** Our built SDK's gzip size, and the ratio to each peer. */
export function measureSdkSize(root: string): { gzipBytes: number; rawBytes: number; ratios: Record<string, number> } {
  const file = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');
  const raw = fs.readFileSync(file);
  const gzipBytes = zlib.gzipSync(raw, { level: 9 }).length;
  const ratios: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(peerGzipBytes)) ratios[name] = gzipBytes / bytes;
  return { gzipBytes, rawBytes: raw.length, ratios };
}
