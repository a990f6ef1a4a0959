import { Collections } from '../../../shared';
import { SPREAD_MAX_MEMBERS } from './heartbeatSchedule';
import { LargeRooms } from './largeRooms';
import type { Database, DbCollection } from '../../../shared/ports';
import { createTestCloud, joinAs } from '../../../tests/helpers/coreTestkit';
import type { TestCloud } from '../../../tests/helpers/coreTestkit';

describe('LargeRooms', () => {
  it('remembers a room for ttlMs, then forgets it; keeps at most maxRooms', () => {
    const rooms = new LargeRooms(1000, 2);
    rooms.remember('a', 0);
    expect(rooms.has('a', 999)).toBe(true);
    expect(rooms.has('a', 1000)).toBe(false);
    rooms.remember('a', 0);
    rooms.remember('b', 0);
    rooms.remember('c', 0);
    expect([rooms.has('a', 1), rooms.has('b', 1), rooms.has('c', 1)]).toEqual([false, true, true]);
  });
});

describe('heartbeat reads', () => {
  let cloud: TestCloud;
  afterEach(async () => {
    await cloud.close();
  });

  /** Counts the presence reads (doc gets and queries) a heartbeat makes. */
  function countPresenceReads(c: TestCloud): { reads: string[] } {
    const seen = { reads: [] as string[] };
    const db = c.deps.db;
    const wrapped: Database = Object.create(db) as Database;
    wrapped.collection = (name: string): DbCollection => {
      const col = db.collection(name);
      if (name !== Collections.presence) return col;
      return Object.assign(Object.create(col) as DbCollection, {
        doc: (id: string) => {
          const d = col.doc(id);
          return Object.assign(Object.create(d) as object, { get: () => (seen.reads.push('doc'), d.get()) });
        },
        where: (cond: Record<string, unknown>) => {
          const q = col.where(cond);
          return Object.assign(Object.create(q) as object, {
            limit: (n: number) => {
              const l = q.limit(n);
              return Object.assign(Object.create(l) as object, { get: () => (seen.reads.push('query'), l.get()) });
            },
          });
        },
      });
    };
    c.deps.db = wrapped;
    return seen;
  }

  it('a small room: one query gives the phases and the caller\'s own presence', async () => {
    cloud = await createTestCloud();
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2);
    const seen = countPresenceReads(cloud);
    await cloud.ok('o-a', 'heartbeat', alice);
    expect(seen.reads).toEqual(['query']);
  });

  it('a large room: the first beat finds it large, later beats read only the caller\'s presence', async () => {
    cloud = await createTestCloud();
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    for (let i = 0; i < SPREAD_MAX_MEMBERS; i += 1) await joinAs(cloud, `o-${i}`, 'room-1', `u${i}`, 2);
    const seen = countPresenceReads(cloud);
    await cloud.ok('o-a', 'heartbeat', alice);
    expect(seen.reads).toEqual(['query', 'doc']);
    seen.reads.length = 0;
    await cloud.ok('o-a', 'heartbeat', alice);
    expect(seen.reads).toEqual(['doc']);
  });

  it('a caller not among the live presences is told why (authenticate reads its presence)', async () => {
    cloud = await createTestCloud();
    const alice = (await joinAs(cloud, 'o-a', 'room-1', 'alice', 1)).session;
    await joinAs(cloud, 'o-b', 'room-1', 'bob', 2);
    expect((await cloud.call('o-x', 'heartbeat', alice)).ok).toBe(false);
    const reply = await cloud.call('o-b', 'heartbeat', { ...alice, userId: 'nobody' });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('NOT_IN_ROOM');
  });
});
