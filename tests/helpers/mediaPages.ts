/**
 * What the end-to-end page tests with real audio share: a local cloud with its media server (own
 * process), pages that init the BUILT SDK on the global `wx.cloud` as the seed writes them (each page
 * its own WeChat user), a scratch folder for what the players record, and ffmpeg stopped after each test.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import { createCloudClient } from '../../emulator/client/client';
import { startCloudProcess } from './cloudProcess';
import type { CloudProcess } from './cloudProcess';
import { killAll, requireFfmpeg } from './ffmpeg';
import { APP_ID } from './room';

/** The cloud, the scratch folder and page making of one test file (call in its module scope). */
export interface MediaPages {
  readonly cloud: CloudProcess;
  /** A path in the test file's scratch folder. */
  file(name: string): string;
  /** A page of `userId`: the global wx.cloud is that user's, then init (synchronous, as in JRTC). */
  init(userId: string): JRTCMiniappClient;
}

/** Registers the file's beforeAll / afterEach / afterAll and answers its MediaPages. */
export function mediaPages(): MediaPages {
  const g = globalThis as { wx?: { cloud: ReturnType<typeof createCloudClient> } };
  const opened: JRTCMiniappClient[] = [];
  let cloud: CloudProcess | undefined;
  let tmp = '';
  beforeAll(async () => {
    requireFfmpeg();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-pages-'));
    cloud = await startCloudProcess({ media: true });
  });
  afterEach(() => killAll());
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.destroy()));
    delete g.wx;
    await cloud?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  const started = (): CloudProcess => {
    if (!cloud) throw new Error('the cloud starts in beforeAll');
    return cloud;
  };
  return {
    get cloud() {
      return started();
    },
    file: (name) => path.join(tmp, name),
    init(userId) {
      const domain = `127.0.0.1:${started().media!.rtmpPort}`;
      g.wx = { cloud: createCloudClient({ url: started().url, openid: `openid-${userId}` }) };
      const jrtcMiniapp = JRTCMiniappClient.init({ appId: APP_ID, pushDomain: domain, pullDomain: domain });
      opened.push(jrtcMiniapp);
      return jrtcMiniapp;
    },
  };
}
