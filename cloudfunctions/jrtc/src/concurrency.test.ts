import { Collections } from '../../../shared';
import { APP_ID, createTestCloud, joinPayload } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await createTestCloud();
});
afterEach(async () => {
  await cloud.close();
});

/** Counts kept on the room document agree with the member documents, role by role. */
async function expectExactCounts(roomKey: string): Promise<{ anchors: number; audience: number }> {
  const snap = await cloud.snapshot();
  const members = snap[Collections.members].filter((m) => m.roomKey === roomKey);
  const anchors = members.filter((m) => m.role === 1).length;
  const audience = members.filter((m) => m.role === 2).length;
  const room = snap[Collections.rooms].find((r) => r._id === roomKey);
  expect(room).toMatchObject({ broadcasterCount: anchors, audienceCount: audience });
  expect(snap[Collections.presence].filter((p) => p.roomKey === roomKey)).toHaveLength(members.length);
  return { anchors, audience };
}

// Hundreds of calls at once through one process: on a loaded CI machine that takes a while (the
// assertions are about counts, never time).
jest.setTimeout(120_000);

describe('counts under concurrency', () => {
  it('stay exact through 200 concurrent joins, then 200 concurrent leaves, role changes and joins', async () => {
    const roomKey = `${APP_ID}:busy`;
    const users = Array.from({ length: 200 }, (_, i) => `user${String(i).padStart(3, '0')}`);
    const role = (i: number): 1 | 2 => (i % 10 === 0 ? 1 : 2);
    const joins = await Promise.all(
      users.map((u, i) => cloud.ok(`o-${u}`, 'joinRoom', joinPayload(cloud, 'busy', u, role(i)))),
    );
    expect(await expectExactCounts(roomKey)).toEqual({ anchors: 20, audience: 180 });
    expect(new Set(joins.map((j) => j.sessionId)).size).toBe(200);

    const session = (i: number) => ({ appId: APP_ID, userRoomId: 'busy', userId: users[i], sessionId: joins[i].sessionId });
    const mixed = await Promise.all([
      ...users.slice(0, 100).map((u, i) => cloud.ok(`o-${u}`, 'leaveRoom', session(i))),
      ...users.slice(100, 150).map((u, k) => cloud.ok(`o-${u}`, 'setRole', { ...session(100 + k), role: 1 })),
      ...users.slice(150, 200).map((u, k) => cloud.ok(`o-${u}`, 'leaveRoom', session(150 + k))),
      ...Array.from({ length: 50 }, (_, k) => cloud.ok(`o-new${k}`, 'joinRoom', joinPayload(cloud, 'busy', `new${k}`, 2))),
    ]);
    expect(mixed).toHaveLength(250);
    expect(await expectExactCounts(roomKey)).toEqual({ anchors: 50, audience: 50 });
  });

  it('concurrent joins of one user leave one member and one live session', async () => {
    const payload = joinPayload(cloud, 'r', 'alice', 2);
    const replies = await Promise.all(Array.from({ length: 20 }, () => cloud.call('o-a', 'joinRoom', payload)));
    // All 20 write the same user's documents, one after another. On a loaded machine some may spend
    // the retry budget and answer BUSY: typed, retryable, and they changed nothing (transact.ts).
    // Anything else is a failure; and whatever the mix, one member and one session remain.
    expect(replies.filter((r) => !r.ok && r.error.code !== 'BUSY').map((r) => (r.ok ? '' : r.error.code))).toEqual([]);
    expect(replies.some((r) => r.ok)).toBe(true);
    expect(await expectExactCounts(`${APP_ID}:r`)).toEqual({ anchors: 0, audience: 1 });
  });

  it('concurrent joins under different OPENIDs with one token: exactly one wins', async () => {
    const payload = joinPayload(cloud, 'r', 'alice', 2);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => cloud.call(`o-${i}`, 'joinRoom', payload)));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok && r.error.code === 'TOKEN_REPLAYED')).toHaveLength(19);
    expect(await expectExactCounts(`${APP_ID}:r`)).toEqual({ anchors: 0, audience: 1 });
  });
});
