/**
 * The cloud function entry: with platformDatabase.ts, the only code that touches wx-server-sdk. It wires the platform's
 * database, clock and caller identity into the core (router.ts) and reads the config once, when the
 * platform loads the function (the local cloud sets each function's env only while requiring it).
 */
import * as cloud from 'wx-server-sdk';
import { fail } from '../../../shared';
import type { Reply } from '../../../shared';
import { loadConfig } from '../../../shared/functionConfig';
// The deployment's policy module (cloudfunctions/jrtc/policy.ts) when it has one, else defaultPolicy.ts.
import { policy } from 'jrtc-policy';
import { platformDatabase } from './platformDatabase';
import type { CallerContext, Messenger, VoipSigner } from '../../../shared/ports';
import { cryptoRandom, systemClock } from './random';
import { handle } from './router';
import { LargeRooms } from './largeRooms';
import { SweepGate } from './sweepGate';

// Never throws: a bad config answers CONFIG_ERROR on every call instead of failing the load.
const loaded = loadConfig(process.env);
// Per instance: the platform reuses a warm instance for many calls.
const sweepGate = new SweepGate();
const largeRooms = new LargeRooms();

/**
 * Subscription messages through wx-server-sdk's openapi (the function's own credentials; the
 * call's `subscribeMessage.send` permission goes in config.json's `permissions.openapi`). It
 * rejects with WeChat's errCode when WeChat refuses; an answer with a non-zero errCode is a refusal too.
 */
const messenger: Messenger = {
  async sendSubscribeMessage(message) {
    const sent = (await cloud.openapi.subscribeMessage.send(message)) as { errCode?: unknown } | undefined;
    if (sent && typeof sent.errCode === 'number' && sent.errCode !== 0) throw sent;
  },
};

/**
 * VoIP chat signatures through wx-server-sdk's `cloud.getVoIPSign` (it signs for the calling user;
 * getVoIPSign is a 云调用 of its own, needing no permission in config.json).
 */
const voip: VoipSigner = {
  async sign(params) {
    // Declared in the SDK's index.d.ts (ICloud.GetVoIPSignParam / Result) but not exported as a function there.
    const sdk = cloud as unknown as { getVoIPSign(p: typeof params): Promise<{ signature?: unknown }> };
    const res = await sdk.getVoIPSign(params);
    if (typeof res?.signature !== 'string') throw new Error('getVoIPSign answered no signature');
    return res.signature;
  },
};

/** Who is calling, from the platform; missing fields become '' (the router refuses an empty OPENID). */
function callerContext(): CallerContext {
  const wx = cloud.getWXContext();
  return { OPENID: wx.OPENID ?? '', APPID: wx.APPID ?? '', ENV: wx.ENV ?? '', SOURCE: wx.SOURCE ?? '' };
}

/** The function's handler, as CloudBase calls it. */
export async function main(event: unknown, _context: unknown): Promise<Reply<unknown>> {
  if (!loaded.ok) return fail(loaded.error);
  return handle(event, callerContext(), {
    db: platformDatabase(),
    clock: systemClock,
    config: loaded.config,
    random: cryptoRandom,
    policy,
    sweepGate,
    largeRooms,
    messenger,
    voip,
  });
}
