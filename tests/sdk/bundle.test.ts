/**
 * The built SDK file as a mini program loads it: scripts/build-sdk.js output, evaluated with only what
 * the mini program runtime offers (no Node require), within the gzip budget.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import vm from 'vm';
import zlib from 'zlib';

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');

interface Exports {
  (): void;
  default: unknown;
  init(options: unknown): Promise<unknown>;
  JRTCError: new (code: string, message: string) => Error & { code: string };
  ErrorCode: Record<string, string>;
}

let output = '';

beforeAll(() => {
  output = execFileSync(process.execPath, [path.join(root, 'scripts', 'build-sdk.js')], { encoding: 'utf8' });
});

/** Evaluates the bundle as the mini program runtime would: module/exports, timers, and `wx`. */
function load(wx: unknown): Exports {
  const module = { exports: {} as unknown };
  const sandbox = { module, exports: module.exports, wx, setTimeout, clearTimeout, console, Promise };
  vm.runInNewContext(fs.readFileSync(bundle, 'utf8'), sandbox, { filename: bundle });
  return module.exports as Exports;
}

describe('the built SDK', () => {
  test('prints its raw and gzip size, under the budget', () => {
    const gzip = zlib.gzipSync(fs.readFileSync(bundle), { level: 9 }).length;
    expect(output).toContain(`${gzip} bytes gzip`);
    expect(output).toMatch(/OK/);
    expect(gzip).toBeLessThan(7849);
  });

  test('loads without Node, exports the client as module.exports and as default, with zod left out', async () => {
    const sdk = load(undefined);
    expect(typeof sdk).toBe('function');
    expect(sdk.default).toBe(sdk);
    expect(typeof sdk.init).toBe('function');
    expect(sdk.ErrorCode.BAD_REQUEST).toBe('BAD_REQUEST');
    const source = fs.readFileSync(bundle, 'utf8');
    expect(source).not.toMatch(/\brequire\(/);
    expect(source).not.toMatch(/zod|ZodError/);
    await expect(sdk.init({ appId: 'demo-app', pushDomain: 'a.example', pullDomain: 'b.example' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  test('uses the global wx.cloud by default', async () => {
    const calls: unknown[] = [];
    const cloud = {
      callFunction: (options: unknown) => {
        calls.push(options);
        return Promise.resolve({ result: { ok: false, error: { code: 'TOKEN_EXPIRED', message: 'expired' } } });
      },
      database: () => ({}),
    };
    const sdk = load({ cloud });
    const client = (await sdk.init({ appId: 'demo-app', pushDomain: 'a.example', pullDomain: 'b.example' })) as {
      joinRoom(p: unknown): Promise<unknown>;
    };
    const err = await client
      .joinRoom({ appId: 'demo-app', token: 't', userId: 'u', role: 2, nonce: 'n', timestamp: 1, userRoomId: 'r' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sdk.JRTCError);
    expect(err).toMatchObject({ code: 'TOKEN_EXPIRED', message: 'expired' });
    expect(calls).toEqual([
      {
        name: 'jrtc',
        data: { action: 'joinRoom', appId: 'demo-app', token: 't', userId: 'u', role: 2, nonce: 'n', timestamp: 1, userRoomId: 'r' },
      },
    ]);
  });
});
