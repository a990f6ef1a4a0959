/**
 * After the scripted demo, `npm start` keeps a class on air so that a person opening the room
 * console hears it: a teacher (an SDK client) publishes, ffmpeg plays the teacher's microphone (a
 * beeping 440 Hz tone) into the signed push URL, and a few students listen. Needs the local media
 * server and ffmpeg; without them it says what is missing and does nothing.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { computeToken } from '../../shared/token';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';
import { createCloudClient } from '../../emulator/client/client';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import { signOff } from './demoClass';
import { ffmpegUsable } from './demoAudio';

/** What the live class needs of the local cloud. */
export interface LiveCloud {
  url: string;
  media: { functionEnv(): Record<string, string> } | null;
}

/** A class on air; `stop` takes it off (idempotent). */
export interface LiveClass {
  roomId: string;
  stop(): Promise<void>;
}

/** The room the live class runs in. */
export const LIVE_ROOM = 'live-class';
const LISTENERS = ['Student A', 'Student B', 'Student C'];

/** Starts the class, or resolves null (after saying why) when media server or ffmpeg is missing. */
export async function startLiveClass(cloud: LiveCloud, log: (line: string) => void): Promise<LiveClass | null> {
  if (!cloud.media) {
    log('Live class: off (the media server is not running).');
    return null;
  }
  if (!ffmpegUsable()) {
    log('Live class: off (ffmpeg is missing: apt-get install ffmpeg).');
    return null;
  }
  const env = { ...localFunctionEnv, ...cloud.media.functionEnv() };
  const [[appId, appKey]] = Object.entries(JSON.parse(env.JRTC_APPS) as Record<string, string>);
  const clients: JRTCMiniappClient[] = [];
  /** A client that joined as a JRTC page does: init (synchronous), then joinRoom. */
  const join = async (userId: string, nickName: string, role: 1 | 2): Promise<JRTCMiniappClient> => {
    const client = JRTCMiniappClient.init({
      appId,
      pushDomain: env.JRTC_PUSH_DOMAINS.split(',')[0],
      pullDomain: env.JRTC_PULL_DOMAINS.split(',')[0],
      cloud: createCloudClient({ url: cloud.url, openid: `live-openid-${userId}` }),
      platform: null,
    });
    clients.push(client);
    const nonce = `AK-${randomBytes(16).toString('hex')}`;
    const timestamp = Date.now() + 24 * 3600_000;
    const token = computeToken({ appId, appKey, roomId: LIVE_ROOM, userId, timestamp, nonce });
    await client.joinRoom({ appId, token, userId, role, nonce, timestamp, userRoomId: LIVE_ROOM, nickName });
    return client;
  };

  let ffmpeg: ChildProcess | null = null;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    ffmpeg?.kill('SIGKILL');
    await Promise.all(clients.map((c) => signOff(c).catch(() => undefined)));
  };
  try {
    const teacher = await join('live-teacher', 'Teacher Wang', 1);
    for (const [i, name] of LISTENERS.entries()) await join(`live-student-${i + 1}`, name, 2);
    const { url: pushUrl } = await teacher.publish();
    // The teacher's microphone: a tone that beeps four times a second, at the pace of a live pusher (-re).
    ffmpeg = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', pushUrl],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    ffmpeg.stderr?.on('data', (chunk: Buffer) => {
      if (!stopped) log(`Live class: ffmpeg: ${chunk.toString().trim()}`);
    });
    ffmpeg.once('exit', (code) => {
      if (!stopped) log(`Live class: the teacher's audio stopped (ffmpeg exited with ${code}).`);
    });
    log(`Live class "${LIVE_ROOM}" is on air: Teacher Wang publishes a 440 Hz tone, ${LISTENERS.length} students listen.`);
    return { roomId: LIVE_ROOM, stop };
  } catch (err) {
    await stop();
    log(`Live class: could not start (${(err as Error)?.message ?? String(err)}).`);
    return null;
  }
}
