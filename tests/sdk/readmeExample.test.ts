/**
 * The README's "Testing your own code against the local cloud" example, as a test, so that the
 * example keeps working: one local cloud in the test process, two simulated WeChat users with SDK
 * clients, a token from issueToken, the server clock moved, a watch failure recovered.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../../emulator/client';
import { startLocalCloud } from '../../emulator/cloud';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';

test('README example: test a page flow against the local cloud', async () => {
  // --- README example starts here ---
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false });
  const config = { appId: 'demo-app', pushDomain: '127.0.0.1:1935', pullDomain: '127.0.0.1:1935' }; // the local cloud's app

  /** One simulated WeChat user: its own `wx.cloud`, an SDK client, a token from the jrtc function. */
  async function enter(openid: string, userId: string, role: 1 | 2) {
    const wxCloud = createCloudClient({ url: cloud.url, openid });
    const client = await JRTCMiniappClient.init({ ...config, cloud: wxCloud });
    const issued = await wxCloud.callFunction({
      name: 'jrtc',
      data: { action: 'issueToken', appId: config.appId, userRoomId: 'lesson-1', userId, owner: role === 1 },
    });
    const token = (issued.result as { ok: true; data: { token: string; nonce: string; timestamp: number } }).data;
    const room = await client.joinRoom({ ...token, appId: config.appId, userId, userRoomId: 'lesson-1', role });
    return { wxCloud, client, room };
  }

  const teacher = await enter('openid-t', 'teacher', 1);
  const student = await enter('openid-s', 'student', 2);
  await new Promise<void>((resolve) => {
    if (teacher.room.counts.audienceCount === 1) resolve();
    else teacher.room.on('countsChanged', (counts) => counts.audienceCount === 1 && resolve());
  });
  expect(teacher.room.ownerUserId).toBe('teacher');

  cloud.clock.advance(10_000); // server time moves (leases, token expiry); Date.now() of this process with it
  student.wxCloud.failWatches(); // the platform gives the student's watches up: the SDK watches again
  await new Promise<void>((resolve) => student.room.once('rosterSynced', () => resolve()));
  expect(student.room.members.map((m) => m.userId)).toContain('teacher');

  await Promise.all([teacher.client.destroy(), student.client.destroy()]);
  await cloud.stop();
  // --- README example ends here ---
  fs.rmSync(dataDir, { recursive: true, force: true });
});
