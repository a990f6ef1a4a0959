/**
 * The service page's query: `part` (agent / customer), `user` and `nick` as the landing page writes
 * them (its `room` is not used: each call gets a room of its own), or `callId` and `appId` as the
 * ring message's deep link writes them (shared by the function: `pages/service/service?callId=..&appId=..`).
 */
import { JRTCError } from '../../lib/jrtc-miniapp.min';
import { demoConfig } from '../../utils/config';
import { PARTS, isId, queryValue } from '../../utils/query';

/** Who opens the service page, and for which ringing call. */
export interface ServiceEntry {
  part: string;
  /** '' (the default): the cloud gives you the userId of your WeChat identity. */
  userId: string;
  nickName: string;
  /** The call a ring message opened the page for ('' otherwise). */
  callId: string;
  /** (Agent) how the calls it makes carry their audio: rtmp (the default), trtc or voip (docs/backends.md). */
  backend: 'rtmp' | 'trtc' | 'voip';
}

/** Reads the page's query (values may still be URI-encoded). Throws BAD_REQUEST for ids the protocol would refuse. */
export function readServiceEntry(query: Record<string, string | undefined>): ServiceEntry {
  const get = (key: string): string => queryValue(query, key);
  const callId = get('callId');
  // Rung from the message: you are the one rung (the customer, in this demo).
  const part = get('part') || (callId ? 'customer' : PARTS.service[0]);
  const backend = get('backend') || 'rtmp';
  if (backend !== 'rtmp' && backend !== 'trtc' && backend !== 'voip') throw JRTCError.badRequest('backend: one of rtmp, trtc, voip');
  const entry: ServiceEntry = { part, userId: get('user'), nickName: get('nick').slice(0, 64), callId, backend };
  if (entry.userId !== '' && !isId(entry.userId)) throw JRTCError.badRequest('user: use 1-64 letters, digits or _ . @ -');
  if (PARTS.service.indexOf(part) < 0) throw JRTCError.badRequest(`part: one of ${PARTS.service.join(', ')}`);
  const appId = get('appId');
  if (appId && appId !== demoConfig.appId) throw JRTCError.badRequest(`this call is for app ${appId}, the demo is configured for ${demoConfig.appId}`);
  if (callId && !isId(callId)) throw JRTCError.badRequest('callId: not a call id');
  return entry;
}
