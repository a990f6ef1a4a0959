/** Shared setup for the benchmarks: a local cloud in this process and joined members. */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../emulator/client/client';
import type { CloudClient } from '../emulator/client/client';
import { startLocalCloud } from '../emulator/jrtc/localCloud';
import { localFunctionEnv } from '../emulator/jrtc/localEnv';
import type { LocalCloud } from '../emulator/jrtc/localCloud';
import { computeToken } from '../shared/token';
import type { ActionName, ActionRequest, ActionResponse, Reply } from '../shared';

const [[APP, KEY]] = Object.entries(JSON.parse(localFunctionEnv.JRTC_APPS) as Record<string, string>);
/** The app the local cloud is configured with. */
export const APP_ID = APP;
/** Its key (local only). */
export const APP_KEY = KEY;

/** Starts a local cloud with a fresh on-disk store and its media server (as `npm start` runs it), timers off. */
export async function startBenchCloud(): Promise<LocalCloud> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-bench-'));
  // Members filled into the rooms send no heartbeats: a lease of an hour (the most the function takes) keeps them members for the
  // whole run instead of turning them into ghosts that every later join would sweep.
  return startLocalCloud({
    port: 0,
    dataDir,
    timers: false,
    functionEnv: { JRTC_LEASE_MS: '3600000' },
    media: { rtmpPort: 0, httpPort: 0 },
    log: () => undefined,
  });
}

/** Calls an action and throws unless it answered ok. */
export async function call<A extends ActionName>(
  client: CloudClient,
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  const res = await client.callFunction({ name: 'jrtc', data: { action, ...payload } });
  const reply = res.result as Reply<ActionResponse<A>>;
  if (!reply.ok) throw new Error(`${action}: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

/** Valid join parameters for `userId` in `room`. */
export function joinParams(room: string, userId: string, role: 1 | 2): ActionRequest<'joinRoom'> {
  const nonce = `b-${userId}-${Math.random().toString(36).slice(2, 10)}`;
  const timestamp = Date.now() + 3 * 3600_000;
  const token = computeToken({ appId: APP_ID, appKey: APP_KEY, roomId: room, userId, timestamp, nonce });
  return { appId: APP_ID, token, userId, role, nonce, timestamp, userRoomId: room };
}

/** A client for one simulated user. */
export function clientFor(cloud: LocalCloud, userId: string): CloudClient {
  return createCloudClient({ url: cloud.url, openid: `openid-${userId}` });
}
