/** Cloud calls per participant-minute in steady state, counted on SDK clients. */
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { createCloudClient } from '../../emulator/client/client';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import { ManualTimers } from '../../tests/helpers/manualTimers';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';
import { joinParams } from '../fixtures';
import { billingMeter, perUnit } from './billing';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * `participants` SDK clients join one room and stay; their platform clients count every cloud call.
 * After a warm-up minute, `minutes` of virtual time pass (the cloud's clock moved in step), and the
 * calls made in that window are divided by participant-minutes. Polling the roster every 2 s would
 * cost 30 per participant-minute. Over the same window the local cloud counts what CloudBase bills
 * (billing.ts: invocations + database reads + writes), divided alike: `billed`.
 */
export async function measureCallsPerMinute(cloud: LocalCloud, participants: number, minutes: number, tick: () => void) {
  // Virtual time for the SDK's timers, moved in step with the local cloud's clock.
  const timers = new ManualTimers(cloud.clock.now());
  let calls = 0;
  // Virtual time must not outrun real calls (the SDK would time them out), so each step waits for them.
  const inflight = new Set<Promise<unknown>>();
  const clients: JRTCMiniappClient[] = [];
  const pushDomain = localFunctionEnv.JRTC_PUSH_DOMAINS.split(',')[0];
  const pullDomain = localFunctionEnv.JRTC_PULL_DOMAINS.split(',')[0];
  for (let i = 0; i < participants; i++) {
    const platform = createCloudClient({ url: cloud.url, openid: `openid-cpm-${i}` });
    const counting = Object.assign(Object.create(platform) as typeof platform, {
      callFunction: (o: Parameters<typeof platform.callFunction>[0]) => {
        calls += 1;
        const p = platform.callFunction(o);
        const forget = (): void => {
          inflight.delete(tracked);
        };
        const tracked: Promise<unknown> = p.then(forget, forget);
        inflight.add(tracked);
        return p;
      },
    });
    const client = await JRTCMiniappClient.init({ appId: joinParams('x', 'x', 2).appId, pushDomain, pullDomain, cloud: counting, timers });
    await client.joinRoom(joinParams('cpm-room', `cpm-${i}`, i === 0 ? 1 : 2));
    clients.push(client);
  }
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 1000) {
      cloud.clock.advance(1000);
      await timers.advance(1000);
      for (let k = 0; k < 5; k++) await settle();
      while (inflight.size > 0) {
        await Promise.all([...inflight]);
        for (let k = 0; k < 5; k++) await settle();
      }
    }
  };
  await advance(60_000);
  const before = calls;
  const meter = billingMeter(cloud);
  for (let m = 0; m < minutes; m++) {
    await advance(60_000);
    tick();
  }
  const perParticipantMinute = (calls - before) / (participants * minutes);
  const billed = perUnit(meter.read(), participants * minutes);
  const stillIn = clients.filter((c) => c.room?.state === 'connected').length;
  await Promise.all(clients.map((c) => c.destroy()));
  return { perParticipantMinute, participants, minutes, stillConnected: stillIn, pollingEvery2s: 30, billed };
}
