/**
 * Ring → the callee's event: from the caller's `call` request to `callInvited` on the callee's
 * phone, through the built SDK and calls bundles (miniprogram/lib/jrtc-*.min.js) on the local cloud.
 * Each phone is its own WeChat user with its own watch, as on two real phones.
 */
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import { Calls } from '../../miniprogram/lib/jrtc-calls.min';
import type { CallView } from '../../miniprogram/lib/jrtc-calls.min';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { createCloudClient } from '../../emulator/client/client';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import { APP_ID, joinParams } from '../fixtures';
import { p50p99 } from '../stats';

/** A phone of `userId` listening for calls (a token binds the userId to its WeChat user). */
async function phone(cloud: LocalCloud, userId: string): Promise<{ client: JRTCMiniappClient; calls: Calls }> {
  const client = JRTCMiniappClient.init({
    appId: APP_ID,
    pushDomain: localFunctionEnv.JRTC_PUSH_DOMAINS.split(',')[0],
    pullDomain: localFunctionEnv.JRTC_PULL_DOMAINS.split(',')[0],
    cloud: createCloudClient({ url: cloud.url, openid: `openid-${userId}` }),
    platform: null,
  });
  const { token, nonce, timestamp, userRoomId } = joinParams('inbox', userId, 1);
  const calls = await Calls.listen(client, { userId, nickName: userId, token: { token, nonce, timestamp, userRoomId } });
  return { client, calls };
}

/** Resolves with the next `callEnded` of `calls` for `callId`. */
function ended(calls: Calls, callId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = calls.on('callEnded', (call) => {
      if (call.callId !== callId) return;
      off();
      resolve();
    });
  });
}

/**
 * `rings` calls from one caller, in its room, to one listening callee; each is declined once it
 * rang (the caller stays in its room, so the next ring times `call` alone, not a join). A sample is
 * the time from the `call` request to the callee's `callInvited`; the caller's reply time is kept
 * beside it.
 */
export async function measureRingLatency(cloud: LocalCloud, rings: number, tick: () => void) {
  const caller = await phone(cloud, 'ring-caller');
  const callee = await phone(cloud, 'ring-callee');
  const invited: number[] = [];
  const replied: number[] = [];
  try {
    await caller.client.joinRoom(joinParams('ring-room', 'ring-caller', 1));
    for (let i = 0; i < rings; i++) {
      const rang = new Promise<[CallView, number]>((resolve) => {
        const off = callee.calls.on('callInvited', (call) => {
          off();
          resolve([call, performance.now()]);
        });
      });
      const start = performance.now();
      const view = await caller.calls.call({ callees: ['ring-callee'] });
      replied.push(performance.now() - start);
      const [call, at] = await rang;
      if (call.callId !== view.callId) throw new Error(`rang ${call.callId}, called ${view.callId}`);
      invited.push(at - start);
      const over = ended(caller.calls, view.callId);
      await callee.calls.reject(view.callId);
      await over;
      tick();
    }
  } finally {
    await Promise.all([caller.calls.stop(), callee.calls.stop()]);
    await Promise.all([caller.client.destroy(), callee.client.destroy()].map((p) => p.catch(() => undefined)));
  }
  return { invited: p50p99(invited), replied: p50p99(replied), samples: invited.length };
}
