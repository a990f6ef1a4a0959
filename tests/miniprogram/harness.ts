/**
 * Runs the demo's pages in miniprogram-simulate against a real local cloud started in the test
 * process. The page .ts files are compiled with esbuild into a temp dir (nothing compiled lands in
 * the repo), with the SDK import left to the built `miniprogram/lib/jrtc-miniapp.min.js`, exactly
 * the file a mini program loads. Each simulated user gets its own wx.cloud-shaped client (its own
 * OPENID): a page reads `wx.cloud` once, in onLoad, so `open` points the global at the user's
 * client just before loading the page.
 *
 * The pages are written with `Component()` (see miniprogram/utils/page.ts): miniprogram-simulate
 * has no `Page()` (only custom components; its maintainers advise building pages with Component,
 * wechat-miniprogram/miniprogram-simulate#26 and #79), so `simulate.load` loads them as they ship
 * and a test calls the page lifecycle (`onLoad(query)`, `onUnload()`) itself, as the framework would.
 *
 * The SDK module the pages load is the one this file imports (jest's registry holds one instance per
 * path), so `spyOnClients` sees every call the pages make on their JRTCMiniappClient; and each user's
 * cloud client logs the `jrtc` actions it sent (`actions`), which is what the local cloud received.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createCloudClient } from '../../emulator/client/client';
import { followCloudClock } from '../helpers/deviceClock';
import type { CloudClient } from '../../emulator/client/client';
import { startLocalCloud } from '../../emulator/jrtc/localCloud';
import type { LocalCloud } from '../../emulator/jrtc/localCloud';
import JRTCMiniappClient from '../../miniprogram/lib/jrtc-miniapp.min';
import type { EnterRoomInfo } from '../../miniprogram/lib/jrtc-miniapp.min';
import { nodeFetch } from './nodeFetch';

/** The demo's pages (app.json order). */
export type PageName = 'index' | 'class' | 'service' | 'meeting';

/** The part of a miniprogram-simulate component wrapper the tests use. */
export interface SimNode {
  /** The rendered DOM node (jsdom; the root tsconfig has no DOM lib, hence the narrow type). */
  dom: { textContent: string | null; getAttribute(name: string): string | null };
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void;
}

/** A rendered page: its data, its instance (to call lifecycles) and its DOM. */
export interface SimPage extends SimNode {
  /** The page instance (`this` of its methods). */
  instance: { data: Record<string, unknown> } & Record<string, unknown>;
  data: Record<string, unknown>;
  attach(parent: unknown): void;
  detach(): void;
}

interface Simulate {
  load(componentPath: string, options?: { compiler?: 'simulate' | 'official'; rootPath?: string }): string;
  render(id: string, properties?: Record<string, unknown>): SimPage;
}

/**
 * Compiles the pages into `outDir` (see compilePages.js: esbuild cannot run in the jsdom environment),
 * with `demoConfig` merged into the pages' demoConfig when given.
 */
export function compilePages(outDir: string, demoConfig?: Record<string, unknown>): void {
  const args = [path.join(__dirname, 'compilePages.js'), outDir, ...(demoConfig ? [JSON.stringify(demoConfig)] : [])];
  execFileSync(process.execPath, args, { stdio: 'inherit' });
}

/** What a page test may change about the cloud and the pages. */
export interface PageTestOptions {
  /** Env vars of the local cloud's functions (e.g. JRTC_TOKEN_TTL_SECONDS), over the local defaults. */
  functionEnv?: Record<string, string>;
  /**
   * Fields merged into the pages' demoConfig (miniprogram/utils/config.ts), which they pass to
   * `JRTCMiniappClient.init`: SDK init options such as `tokenWillExpireLeadMs`.
   */
  demoConfig?: Record<string, unknown>;
}

/** The jsdom document of the test environment. */
function jsdomDocument(): { createElement(tag: string): unknown } {
  return (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;
}

/** What a test holds: the cloud, the simulated users and the pages they opened. */
export interface PageTestContext {
  cloud: LocalCloud;
  /** A simulated WeChat user: its own wx.cloud-shaped client. */
  user(openid: string): CloudClient;
  /** The `jrtc` actions (joinRoom, setRole, publish, ...) sent so far by `openid`'s clients, in order. */
  actions(openid: string): string[];
  /**
   * Renders page `name` for `user` and calls its onLoad with `query`; `phone` adds the user's own
   * wx APIs beyond wx.cloud (its VoIP chat: emulator/openapi/phone.ts createVoipChat), which a page
   * reads at load as it reads wx.cloud.
   */
  open(name: PageName, user: CloudClient | null, query?: Record<string, string>, phone?: object): SimPage;
  /** Calls a page's onUnload (it leaves its room) and detaches it. */
  close(page: SimPage): Promise<void>;
  cleanup(): Promise<void>;
}

type Global = typeof globalThis & { wx?: Record<string, unknown>; fetch?: unknown };

/**
 * The local cloud runs in this (jsdom) realm too and expects Node's timers (`unref`) and a global
 * `fetch` for its client; jsdom's window provides neither. Node's own timers serve the pages as
 * well (the SDK only schedules and clears them).
 */
function provideNodeGlobals(g: Global): void {
  const timers = require('timers') as typeof import('timers');
  Object.assign(g, {
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    setImmediate: timers.setImmediate,
    clearImmediate: timers.clearImmediate,
    fetch: nodeFetch,
  });
}

/** Starts a local cloud, compiles the pages and loads miniprogram-simulate with a wx.cloud slot. */
export async function setupPageTest(options: PageTestOptions = {}): Promise<PageTestContext> {
  const g = globalThis as Global;
  provideNodeGlobals(g);
  // miniprogram-simulate merges its wx mock into an existing global wx: give it one first, since
  // its mock has no wx.cloud.
  g.wx = { cloud: undefined };
  const simulate = require('miniprogram-simulate') as Simulate;
  const wx = g.wx as Record<string, unknown>;

  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-pages-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-pages-data-'));
  compilePages(outDir, options.demoConfig);
  const cloud = await startLocalCloud({ port: 0, dataDir, timers: false, functionEnv: options.functionEnv, log: () => undefined });
  // The pages are the phones: their clock agrees with the cloud's, moves included.
  const restoreClock = followCloudClock(cloud.clock);
  const ids = new Map<PageName, string>();
  const sent = new Map<string, string[]>();
  const open: SimPage[] = [];
  const unloaded = new Set<SimPage>();

  const close = async (page: SimPage): Promise<void> => {
    if (unloaded.has(page)) return;
    unloaded.add(page);
    // The pages' onUnload returns the leave in progress, so a test can wait for it.
    await (page.instance.onUnload as (() => unknown) | undefined)?.call(page.instance);
    page.detach();
  };

  return {
    cloud,
    user(openid) {
      const client = createCloudClient({ url: cloud.url, openid });
      const call = client.callFunction.bind(client);
      if (!sent.has(openid)) sent.set(openid, []);
      const log = sent.get(openid)!;
      client.callFunction = (params) => {
        const action = params.data && params.data.action;
        if (typeof action === 'string') log.push(action);
        return call(params);
      };
      return client;
    },
    actions: (openid) => [...(sent.get(openid) ?? [])],
    open(name, user, query = {}, phone = {}) {
      let id = ids.get(name);
      if (!id) {
        id = simulate.load(path.join(outDir, 'pages', name, name), { compiler: 'simulate', rootPath: outDir });
        ids.set(name, id);
      }
      wx.cloud = user ?? undefined;
      Object.assign(wx, phone);
      const page = simulate.render(id);
      page.attach(jsdomDocument().createElement('parent-wrapper'));
      (page.instance.onLoad as ((q: Record<string, string>) => void) | undefined)?.call(page.instance, query);
      open.push(page);
      return page;
    },
    close,
    async cleanup() {
      for (const page of open) await close(page).catch(() => undefined);
      await cloud.stop();
      restoreClock();
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `check` passes on a page's data (polls; fails after `ms` with the last data). */
export async function waitForData(page: SimPage, check: (data: Record<string, unknown>) => boolean, label: string, ms = 10_000): Promise<Record<string, unknown>> {
  // On the monotonic clock: Date.now follows the cloud's, which tests move.
  const deadline = performance.now() + ms;
  for (;;) {
    if (check(page.data)) return page.data;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${label}; data: ${JSON.stringify(page.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The text of every node matching `selector` in a page, trimmed. */
export function texts(page: SimPage, selector: string): string[] {
  return page.querySelectorAll(selector).map((n) => (n.dom.textContent || '').trim());
}

/** Dispatches `eventName` on `node` and waits until the page handled it (the simulator dispatches asynchronously). */
export async function fire(node: SimNode | undefined, eventName: string, detail?: unknown): Promise<void> {
  if (!node) throw new Error(`no node to ${eventName}`);
  node.dispatchEvent(eventName, detail === undefined ? {} : { detail });
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The client methods spyOnClients watches: the JRTC form the pages use. */
export type ClientMethod = 'joinRoom' | 'setRole' | 'publish' | 'subscribe' | 'leaveRoom' | 'destroy';
const CLIENT_METHODS: readonly ClientMethod[] = ['joinRoom', 'setRole', 'publish', 'subscribe', 'leaveRoom', 'destroy'];

/** One call a page made on its client. */
export interface ClientCall {
  args: unknown[];
  /** What the call returned (the promise of its reply, for the async ones). */
  returned: unknown;
  /** Jest's global call order, to compare calls across methods. */
  order: number;
}

/** Watches (without changing) the pages' JRTCMiniappClient: `init`, and the calls per user. */
export interface ClientSpies {
  /** Every `JRTCMiniappClient.init` call. */
  init: jest.SpyInstance;
  /** The calls of `method` on the client that joined as `userId` (its joinRoom's userId). */
  callsBy(userId: string, method: ClientMethod): ClientCall[];
  /** Removes the spies. */
  restore(): void;
}

/** Spies on the SDK's client as the pages load it (see the file comment); the calls still run. */
export function spyOnClients(): ClientSpies {
  const init = jest.spyOn(JRTCMiniappClient, 'init');
  const proto = JRTCMiniappClient.prototype as unknown as Record<ClientMethod, (...args: unknown[]) => unknown>;
  const spies = new Map(CLIENT_METHODS.map((m) => [m, jest.spyOn(proto, m)] as const));
  const clientOf = (userId: string): unknown[] => {
    const joins = spies.get('joinRoom')!.mock;
    return joins.contexts.filter((_, i) => String((joins.calls[i][0] as EnterRoomInfo).userId) === userId);
  };
  return {
    init,
    callsBy(userId, method) {
      const clients = clientOf(userId);
      const { mock } = spies.get(method)!;
      return mock.calls
        .map((args, i) => ({ args, returned: mock.results[i].value, order: mock.invocationCallOrder[i], by: mock.contexts[i] }))
        .filter((c) => clients.indexOf(c.by) >= 0)
        .map(({ by: _by, ...call }) => call);
    },
    restore() {
      init.mockRestore();
      spies.forEach((spy) => spy.mockRestore());
    },
  };
}
