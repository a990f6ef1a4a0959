import { createCloudClient } from '../../emulator/client/client';
import { computeToken } from '../../shared/token';
import type { ActionName, ActionRequest, ActionResponse, Reply } from '../../shared';

/** The app the local cloud is configured with by default (emulator/jrtc/localEnv.ts localFunctionEnv). */
export const APP_ID = 'demo-app';
export const APP_KEY = 'demo-key';

/** A wx.cloud-shaped client for one simulated WeChat user. */
export type Client = ReturnType<typeof createCloudClient>;

/** Calls the jrtc function and returns its reply envelope. */
export async function call<A extends ActionName>(
  client: Client,
  action: A,
  payload: ActionRequest<A>,
): Promise<Reply<ActionResponse<A>>> {
  const res = await client.callFunction({ name: 'jrtc', data: { action, ...payload } });
  return res.result as Reply<ActionResponse<A>>;
}

/** Like call, but fails the test unless the reply is ok. */
export async function callOk<A extends ActionName>(
  client: Client,
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  const reply = await call(client, action, payload);
  if (!reply.ok) throw new Error(`${action} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

/** Join parameters with a valid token (computed as a deployer's server would, with the app key). */
export function joinParams(
  userRoomId: string,
  userId: string,
  role: 1 | 2,
  overrides: { nonce?: string; timestamp?: number; nickName?: string } = {},
): ActionRequest<'joinRoom'> {
  const nonce = overrides.nonce ?? `n-${userId}-${Math.random().toString(36).slice(2)}`;
  const timestamp = overrides.timestamp ?? Date.now() + 3600_000;
  const token = computeToken({ appId: APP_ID, appKey: APP_KEY, roomId: userRoomId, userId, timestamp, nonce });
  return { appId: APP_ID, token, userId, role, nonce, timestamp, userRoomId, nickName: overrides.nickName ?? userId };
}

/** A joined member: its client and the session fields every later call needs. */
export interface Joined {
  client: Client;
  session: { appId: string; userRoomId: string; userId: string; sessionId: string };
  join: ActionResponse<'joinRoom'>;
}

/** Creates a client for `openid` and joins it. */
export async function joinAs(
  url: string,
  userRoomId: string,
  userId: string,
  role: 1 | 2,
  openid = `openid-${userId}`,
): Promise<Joined> {
  const client = createCloudClient({ url, openid });
  const join = await callOk(client, 'joinRoom', joinParams(userRoomId, userId, role));
  return { client, join, session: { appId: APP_ID, userRoomId, userId, sessionId: join.sessionId } };
}
