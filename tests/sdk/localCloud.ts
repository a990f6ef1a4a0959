/**
 * Test setup for the SDK against a real local cloud started in the test process: every SDK client
 * talks to it through the emulator's wx.cloud-shaped client, exactly as a page talks to wx.cloud.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../../emulator/client/client';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import { localFunctionEnv } from '../../emulator/jrtc/localEnv';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import { computeOwnerProof } from '../../shared/ownerProof';
import { computeToken } from '../../shared/token';
import JRTCMiniappClient from '../../miniprogram/lib/src/index';
import type { InitOptions, JoinRoomParams, Room, RoomEventCallbacks } from '../../miniprogram/lib/src/index';

const [[APP, KEY]] = Object.entries(JSON.parse(localFunctionEnv.JRTC_APPS) as Record<string, string>);
/** The app the local cloud is configured with (emulator/jrtc/localEnv.ts localFunctionEnv). */
export const APP_ID = APP;
const APP_KEY = KEY;
/** The media domains the local cloud signs for. */
export const PUSH_DOMAIN = localFunctionEnv.JRTC_PUSH_DOMAINS.split(',')[0];
export const PULL_DOMAIN = localFunctionEnv.JRTC_PULL_DOMAINS.split(',')[0];

/** A local cloud plus the SDK clients a test made on it; `cleanup` destroys them all and stops the cloud. */
export interface SdkTestContext {
  cloud: LocalCloud;
  /** A platform client for `openid` (what the SDK gets as `cloud`). */
  platform(openid: string): CloudClient;
  /** An SDK client for user `userId` (its own WeChat identity unless `platform` is given). */
  client(userId: string, options?: Partial<InitOptions>): Promise<JRTCMiniappClient>;
  cleanup(): Promise<void>;
}

/** Starts a local cloud on a free port with a fresh data dir. */
export async function setupSdkTest(): Promise<SdkTestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-sdk-'));
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false, log: () => undefined });
  const clients: JRTCMiniappClient[] = [];
  const platforms: CloudClient[] = [];
  const platform = (openid: string): CloudClient => {
    const p = createCloudClient({ url: cloud.url, openid });
    platforms.push(p);
    return p;
  };
  return {
    cloud,
    platform,
    async client(userId, options = {}) {
      const client = await JRTCMiniappClient.init({
        appId: APP_ID,
        pushDomain: PUSH_DOMAIN,
        pullDomain: PULL_DOMAIN,
        cloud: options.cloud ?? platform(`openid-${userId}`),
        ...options,
      });
      clients.push(client);
      return client;
    },
    async cleanup() {
      await Promise.all(clients.map((c) => c.destroy()));
      await cloud.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Join parameters with a valid token, as the app's own server would compute them with the app key. */
export function joinParams(
  userRoomId: string,
  userId: string,
  role: 1 | 2,
  extra: Partial<JoinRoomParams> = {},
): JoinRoomParams {
  const nonce = `n-${userId}-${Math.random().toString(36).slice(2)}`;
  const timestamp = extra.timestamp ?? Date.now() + 3600_000;
  const token = computeToken({ appId: APP_ID, appKey: APP_KEY, roomId: userRoomId, userId, timestamp, nonce });
  return { appId: APP_ID, token, userId, role, nonce, timestamp, userRoomId, nickName: userId, ...extra };
}

/** joinParams plus the owner proof the app server would compute for that token (shared/ownerProof.ts). */
export function provenJoinParams(userRoomId: string, userId: string, role: 1 | 2, extra: Partial<JoinRoomParams> = {}): JoinRoomParams {
  const p = joinParams(userRoomId, userId, role, extra);
  const ownerProof = computeOwnerProof({ appId: p.appId, appKey: APP_KEY, roomId: p.userRoomId, userId: p.userId, nonce: p.nonce, timestamp: p.timestamp });
  return { ...p, ownerProof };
}

type Args<K extends keyof RoomEventCallbacks> = Parameters<RoomEventCallbacks[K]>;

/** Records a room's events and lets a test wait for one that matches. */
export class EventLog {
  readonly entries: Array<{ event: keyof RoomEventCallbacks; args: unknown[] }> = [];
  private waiters: Array<() => void> = [];

  constructor(room: Room) {
    const events: Array<keyof RoomEventCallbacks> = [
      'memberJoined',
      'memberLeft',
      'roleChanged',
      'streamPublished',
      'streamUnpublished',
      'countsChanged',
      'connectionStateChanged',
      'tokenWillExpire',
      'error',
    ];
    for (const event of events) {
      room.on(event, ((...args: unknown[]) => {
        this.entries.push({ event, args });
        this.waiters.forEach((w) => w());
      }) as RoomEventCallbacks[typeof event]);
    }
  }

  /** The arguments of every `event` so far. */
  all<K extends keyof RoomEventCallbacks>(event: K): Array<Args<K>> {
    return this.entries.filter((e) => e.event === event).map((e) => e.args as Args<K>);
  }

  /** Short text per entry, for order checks: `memberJoined:alice`, `countsChanged:1/2`, ... */
  get lines(): string[] {
    return this.entries.map(({ event, args }) => {
      const [first, second] = args as [Record<string, unknown> | string, unknown];
      if (event === 'countsChanged') {
        const c = first as Record<string, number>;
        return `${event}:${c.broadcasterCount}/${c.audienceCount}`;
      }
      if (event === 'connectionStateChanged') return `${event}:${String(first)}${second ? `:${String(second)}` : ''}`;
      if (event === 'roleChanged') return `${event}:${String((first as Record<string, unknown>).userId)}:${String(second)}->${String((first as Record<string, unknown>).role)}`;
      if (typeof first === 'object' && first && 'userId' in first) return `${event}:${String(first.userId)}`;
      return event;
    });
  }

  /** Resolves with the arguments of the first `event` (from the start) that `match` accepts. */
  waitFor<K extends keyof RoomEventCallbacks>(event: K, match: (...args: Args<K>) => boolean = () => true, ms = 10_000): Promise<Args<K>> {
    const find = (): Args<K> | undefined => this.all(event).find((args) => match(...args));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${String(event)} matched; saw ${JSON.stringify(this.lines)}`));
      }, ms);
      const check = (): void => {
        const hit = find();
        if (!hit) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(hit);
      };
      this.waiters.push(check);
    });
  }
}
