/** Join → memberJoined-style watch event at many watching clients. */
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { createCloudClient } from '../../emulator/client/client';
import { Collections, roomKeyOf } from '../../shared';
import { APP_ID, call, clientFor, joinParams } from '../fixtures';
import { p50p99 } from '../stats';

/**
 * `watchers` clients (each its own WebSocket, as each phone has its own) watch the anchors of one room;
 * `joins` anchors join one after another; each watcher's delay from the join call's start to the
 * enqueue of that anchor is one sample.
 */
export async function measurePropagation(cloud: LocalCloud, watchers: number, joins: number, tick: () => void) {
  const room = 'propagation-room';
  const roomKey = roomKeyOf(APP_ID, room);
  const pending = new Map<string, { start: number; left: number; done: () => void }>();
  const samples: number[] = [];
  const handles: Array<{ close(): unknown }> = [];
  let ready = 0;
  await new Promise<void>((resolve) => {
    for (let w = 0; w < watchers; w++) {
      const db = createCloudClient({ url: cloud.url, openid: `watcher-${w}` }).database();
      handles.push(
        db
          .collection(Collections.members)
          .where({ roomKey, role: 1 })
          .watch({
            onChange: (snapshot: { type?: string; docChanges: Array<{ queueType: string; docId: string }> }) => {
              if (snapshot.type === 'init' || snapshot.docChanges[0]?.queueType === 'init') {
                if (++ready === watchers) resolve();
                return;
              }
              const now = performance.now();
              for (const c of snapshot.docChanges) {
                const p = c.queueType === 'enqueue' ? pending.get(c.docId) : undefined;
                if (!p) continue;
                samples.push(now - p.start);
                if (--p.left === 0) p.done();
              }
            },
            onError: (err: unknown) => {
              throw new Error(`watch failed: ${String(err)}`);
            },
          }),
      );
    }
  });
  for (let j = 0; j < joins; j++) {
    const userId = `anchor-${j}`;
    const client = clientFor(cloud, userId);
    const params = joinParams(room, userId, 1);
    await new Promise<void>((resolve, reject) => {
      pending.set(`${roomKey}:${userId}`, { start: performance.now(), left: watchers, done: resolve });
      call(client, 'joinRoom', params).catch(reject);
    });
    tick();
  }
  await Promise.all(handles.map((h) => h.close()));
  return { ...p50p99(samples), samples: samples.length };
}
