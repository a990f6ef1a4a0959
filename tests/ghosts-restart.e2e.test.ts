/**
 * Ghost removal (with the emulator's movable clock) and durability across restarts, through the
 * wx.cloud-shaped client against a local cloud in its own process.
 */
import { createCloudClient } from '../emulator/client/client';
import { Collections, roomKeyOf, Timing } from '../shared';
import { startCloudProcess, CloudProcess } from './helpers/cloudProcess';
import { APP_ID, call, callOk, joinAs } from './helpers/room';
import { WatchRecorder } from './helpers/watch';

describe('ghosts', () => {
  let cloud: CloudProcess;
  beforeAll(async () => {
    cloud = await startCloudProcess();
  });
  afterAll(async () => {
    await cloud.stop();
  });

  test('a silent member is swept by the next call that touches its room once its lease has passed', async () => {
    const room = 'ghost-1';
    const live = await joinAs(cloud.url, room, 'live', 1);
    await joinAs(cloud.url, room, 'ghost', 2);
    const watch = new WatchRecorder(
      createCloudClient({ url: cloud.url, openid: 'o-watch' })
        .database()
        .collection(Collections.members)
        .where({ roomKey: roomKeyOf(APP_ID, room) }),
    );
    try {
      await watch.until((r) => r.docs.length === 2);
      // Half a lease later both are still there.
      await cloud.advanceClock(Timing.leaseMs / 2);
      await callOk(live.client, 'heartbeat', live.session);
      expect((await callOk(live.client, 'getRoomMemberCount', live.session)).total).toBe(2);
      // Past the ghost's lease (the live member kept heartbeating), the next touching call sweeps it.
      await cloud.advanceClock(Timing.leaseMs / 2 + 1000);
      await callOk(live.client, 'heartbeat', live.session);
      await watch.until((r) => r.docs.length === 1);
      expect(watch.docs.map((d) => d.userId)).toEqual(['live']);
      expect(await callOk(live.client, 'getRoomMemberCount', live.session)).toEqual({
        total: 1,
        broadcasterCount: 1,
        audienceCount: 0,
      });
    } finally {
      await watch.close();
    }
  });

  test('in a room with nobody left to touch it, the timer sweep removes the ghost', async () => {
    const room = 'ghost-2';
    const lone = await joinAs(cloud.url, room, 'lone', 2);
    const observer = await joinAs(cloud.url, 'ghost-2-other', 'observer', 1);
    await cloud.advanceClock(Timing.leaseMs + 1000);
    await cloud.fireTimer('jrtcSweep');
    // The lone member's session is gone; the count of its room is exact.
    const hb = await call(lone.client, 'heartbeat', lone.session);
    expect(hb.ok ? 'ok' : hb.error.code).toBe('NOT_IN_ROOM');
    const rooms = await observer.client.database().collection(Collections.rooms).doc(roomKeyOf(APP_ID, room)).get();
    // The vendor's doc(id).get() answers a one-document array.
    expect(rooms.data).toMatchObject([{ broadcasterCount: 0, audienceCount: 0 }]);
  });
});

describe('durability', () => {
  test('a graceful restart and a SIGKILL lose no acknowledged write', async () => {
    let cloud = await startCloudProcess();
    const dataDir = cloud.dataDir;
    const room = 'durable-1';
    const host = await joinAs(cloud.url, room, 'host', 1);
    const guests = await Promise.all(Array.from({ length: 10 }, (_, i) => joinAs(cloud.url, room, `g${i}`, 2)));
    await cloud.stop();

    cloud = await startCloudProcess({ dataDir });
    const count = await callOk(createCloudClient({ url: cloud.url, openid: 'openid-host' }), 'getRoomMemberCount', host.session);
    expect(count).toEqual({ total: 11, broadcasterCount: 1, audienceCount: 10 });

    // Acknowledged leaves, then an immediate SIGKILL: every acknowledged change must survive.
    const client = (userId: string): ReturnType<typeof createCloudClient> =>
      createCloudClient({ url: cloud.url, openid: `openid-${userId}` });
    await Promise.all(guests.slice(0, 4).map((g) => callOk(client(g.session.userId), 'leaveRoom', g.session)));
    await cloud.kill();

    cloud = await startCloudProcess({ dataDir });
    try {
      const after = await callOk(client('host'), 'getRoomMemberCount', host.session);
      expect(after).toEqual({ total: 7, broadcasterCount: 1, audienceCount: 6 });
      const list = await callOk(client('host'), 'getAudienceList', { ...host.session, pageSize: 100 });
      expect(list.members.map((m) => m.userId)).toEqual(['g4', 'g5', 'g6', 'g7', 'g8', 'g9']);
    } finally {
      await cloud.stop();
    }
  });
});
