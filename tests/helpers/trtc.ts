/**
 * The simulated phone's TRTC: what `<live-pusher>` / `<live-player>` do with `room://` URLs, on the
 * local cloud, whose media route checks the entry as TRTC would and answers the RTMP URL the audio
 * flows over locally (emulator/jrtc/media/trtcLocal.ts).
 */
import { TRTC_PATH } from '../../emulator/jrtc/media/trtcLocal';

/** A refused entry, with TRTC's code (-100018 signature, -100006 privileges or membership). */
export class TrtcEntryError extends Error {
  constructor(readonly code: number, message: string) {
    super(`${code} ${message}`);
  }
}

/**
 * The RTMP URL the page's pusher (entered with `enterUrl`) sends its audio to, or, with `playUrl`,
 * the RTMP URL its `<live-player src="{{playUrl}}">` plays; rejects with TrtcEntryError when refused.
 */
export async function localTrtc(cloudUrl: string, enterUrl: string, playUrl?: string): Promise<string> {
  const res = await fetch(`${cloudUrl}${TRTC_PATH}`, { method: 'POST', body: JSON.stringify(playUrl === undefined ? { enterUrl } : { enterUrl, playUrl }) });
  const body = (await res.json()) as { url?: string; errCode?: number; errMsg?: string };
  if (res.status === 403) throw new TrtcEntryError(body.errCode ?? 0, body.errMsg ?? '');
  if (!res.ok || typeof body.url !== 'string') throw new Error(`${TRTC_PATH}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.url;
}
