/** joinRoom round trip through the local cloud, against a no-op round trip measured in the same run. */
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { call, clientFor, joinParams } from '../fixtures';
import { msSince, p50p99 } from '../stats';

/** Calls of each kind made before measuring, so that neither path is timed while V8 still compiles it. */
const WARMUP = 50;

/**
 * The no-op is an unknown action: the same platform path (HTTP, functions host, bundle entry, router)
 * answering at once, so the ratio isolates what joinRoom itself costs. Both are warmed up alike (the
 * first joins of a fresh process run in V8's interpreter and would otherwise make the join's p99 a
 * measure of compilation), and then alternate, one of each per sample.
 */
export async function measureJoinLatency(cloud: LocalCloud, samples: number, tick: () => void) {
  const noop: number[] = [];
  const join: number[] = [];
  const probe = clientFor(cloud, 'probe');
  for (let i = 0; i < WARMUP; i++) {
    await probe.callFunction({ name: 'jrtc', data: { action: 'noop' } });
    await call(clientFor(cloud, `warm-${i}`), 'joinRoom', joinParams('warmup-room', `warm-${i}`, 2));
  }
  for (let i = 0; i < samples; i++) {
    let t = process.hrtime.bigint();
    await probe.callFunction({ name: 'jrtc', data: { action: 'noop' } });
    noop.push(msSince(t));
    const client = clientFor(cloud, `lat-${i}`);
    const params = joinParams('latency-room', `lat-${i}`, 2);
    t = process.hrtime.bigint();
    await call(client, 'joinRoom', params);
    join.push(msSince(t));
    tick();
  }
  const n = p50p99(noop);
  const j = p50p99(join);
  return { noop: n, join: j, ratioP50: j.p50 / n.p50, ratioP99: j.p99 / n.p99 };
}
