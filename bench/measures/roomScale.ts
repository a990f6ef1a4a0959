/** Per-join cost in a room of 10,000 members against one of 100, measured side by side. */
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { call, clientFor, joinParams } from '../fixtures';
import { msSince, p50p99 } from '../stats';

async function fill(cloud: LocalCloud, room: string, count: number, tick: () => void): Promise<void> {
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    await Promise.all(
      Array.from({ length: n }, (_, k) => {
        const userId = `${room}-m${i + k}`;
        return call(clientFor(cloud, userId), 'joinRoom', joinParams(room, userId, 2));
      }),
    );
    tick();
  }
}

/** Fills both rooms, then alternates timed joins into each so drift affects both equally. */
export async function measureRoomScale(
  cloud: LocalCloud,
  sizes: { small: number; large: number },
  samples: number,
  tick: (phase: string) => void,
) {
  await fill(cloud, 'scale-small', sizes.small, () => tick('fill'));
  await fill(cloud, 'scale-large', sizes.large, () => tick('fill'));
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < samples; i++) {
    for (const [room, out] of [['scale-small', small], ['scale-large', large]] as const) {
      const userId = `${room}-t${i}`;
      const client = clientFor(cloud, userId);
      const params = joinParams(room, userId, 2);
      const t = process.hrtime.bigint();
      await call(client, 'joinRoom', params);
      out.push(msSince(t));
    }
    tick('measure');
  }
  const s = p50p99(small);
  const l = p50p99(large);
  return { small: s, large: l, ratioP50: l.p50 / s.p50 };
}
