import { WebSocket } from 'ws';
import { expectMethod, readJson, sendJson } from './httpKit';
import { ServiceRegistry } from './registry';
import { HttpServer } from './server';
import type { EmulatorService, HttpRoute, Registry, UpgradeRoute } from './service';

/** A small service as a new one would be written: its own routes, an upgrade, late binding by connect(). */
class EchoService implements EmulatorService {
  readonly name: string;
  readonly events: string[];
  url = '';
  peerEnv: Record<string, string> = {};
  readonly routes: readonly HttpRoute[];
  readonly upgrades: readonly UpgradeRoute[] = [
    { path: '/echo-socket', handle: (req, socket) => socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\n\r\n') },
  ];

  constructor(name: string, events: string[], private readonly failStart = false) {
    this.name = name;
    this.events = events;
    this.routes = [
      {
        path: `/v1/${name}`,
        handle: async (req, res) => {
          expectMethod(req, 'POST');
          sendJson(res, 200, { echo: await readJson(req), url: this.url });
        },
      },
    ];
  }
  async start(): Promise<void> {
    this.events.push(`start ${this.name}`);
    if (this.failStart) throw new Error(`${this.name} cannot start`);
  }
  connect(registry: Registry): void {
    this.events.push(`connect ${this.name}`);
    this.url = registry.url;
    this.peerEnv = registry.functionEnv();
  }
  async stop(): Promise<void> {
    this.events.push(`stop ${this.name}`);
  }
  getInfo(): Record<string, unknown> {
    return { echoes: true };
  }
  functionEnv(): Record<string, string> {
    return { [`FROM_${this.name.toUpperCase()}`]: '1' };
  }
}

describe('service registry', () => {
  test('a service added to the list serves its own routes and upgrades, is connected to the others, and stops in reverse', async () => {
    const events: string[] = [];
    const server: HttpServer = new HttpServer({ port: 0, info: () => registry.info(), log: () => undefined });
    const registry = new ServiceRegistry([server, new EchoService('alpha', events), new EchoService('beta', events)], server);
    await registry.start();
    try {
      expect(events).toEqual(['start alpha', 'start beta', 'connect alpha', 'connect beta']);
      const res = await fetch(`${server.url}/v1/beta`, { method: 'POST', body: JSON.stringify({ n: 1 }) });
      expect(await res.json()).toEqual({ echo: { n: 1 }, url: server.url });
      expect(registry.get<EchoService>('alpha').peerEnv).toEqual({ FROM_ALPHA: '1', FROM_BETA: '1' });
      expect(await (await fetch(`${server.url}/v1/admin/info`)).json()).toEqual({ server: { url: server.url }, alpha: { echoes: true }, beta: { echoes: true } });
      expect((await fetch(`${server.url}/v1/gamma`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${server.url}/v1/alpha`)).status).toBe(405);
      const upgraded = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/echo-socket`);
        ws.once('unexpected-response', (_req, r) => resolve(`HTTP ${r.statusCode}`));
        ws.once('error', (err) => resolve(err.message));
      });
      expect(upgraded).toMatch(/418/);
    } finally {
      await registry.stop();
    }
    expect(events.slice(4)).toEqual(['stop beta', 'stop alpha']);
  });

  test('a service that fails to start stops the ones started before it; two claims of one route are refused', async () => {
    const events: string[] = [];
    const server = new HttpServer({ port: 0, info: () => ({}) });
    const failing = new ServiceRegistry([server, new EchoService('alpha', events), new EchoService('beta', events, true), new EchoService('gamma', events)], server);
    await expect(failing.start()).rejects.toThrow('beta cannot start');
    expect(events).toEqual(['start alpha', 'start beta', 'stop alpha']);

    const again = new HttpServer({ port: 0, info: () => ({}) });
    const twice = new ServiceRegistry([again, new EchoService('alpha', []), new EchoService('other', [])], again);
    // A second service claiming alpha's path.
    Object.assign(twice.get<EchoService>('other'), { routes: twice.get<EchoService>('alpha').routes });
    await expect(twice.start()).rejects.toThrow(/claimed by both alpha and other/);
    expect(() => new ServiceRegistry([again, new EchoService('x', []), new EchoService('x', [])], again)).toThrow(/two services are named x/);
  });

  test('a conditional route (accepts) shares a path with its unconditional owner and takes only what it accepts', async () => {
    const server: HttpServer = new HttpServer({ port: 0, info: () => ({}) });
    const alpha = new EchoService('alpha', []);
    const side: EmulatorService = {
      name: 'side',
      routes: [{ path: '/v1/alpha', accepts: (req) => req.headers['x-side'] === '1', handle: (_req, res) => sendJson(res, 200, { side: true }) }],
      start: async () => undefined,
      stop: async () => undefined,
      getInfo: () => ({}),
    };
    // Registered after the owner: the conditional route is still tried first.
    const registry = new ServiceRegistry([server, alpha, side], server);
    await registry.start();
    try {
      const post = async (headers: Record<string, string>) => (await fetch(`${server.url}/v1/alpha`, { method: 'POST', headers, body: '{}' })).json();
      expect(await post({ 'x-side': '1' })).toEqual({ side: true });
      expect(await post({})).toEqual({ echo: {}, url: server.url });
    } finally {
      await registry.stop();
    }
  });
});
