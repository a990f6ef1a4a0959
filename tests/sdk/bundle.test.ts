/**
 * The built SDK file as a mini program loads it: scripts/build-sdk.js output, evaluated with only what
 * the mini program runtime offers (no Node require), within the gzip budget; and its typings, checked
 * against miniprogram-api-typings by compiling a page (tests/sdk/fixtures/page.ts). One file, because
 * one build makes both (parallel test files must not rebuild the same output).
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import vm from 'vm';
import zlib from 'zlib';
import ts from 'typescript';
import { joinParams, setupSdkTest } from './localCloud';

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');

interface Exports {
  (): void;
  default: unknown;
  init(options: unknown): unknown;
  JRTCError: new (code: string, message: string) => Error & { code: string };
  JRTCFailure: new (...args: never[]) => Error & { code: number };
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
    expect(gzip).toBeLessThanOrEqual(10240);
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
    // init is synchronous, as JRTC's: without wx.cloud the client still comes back, and its calls say why it cannot work.
    const client = sdk.init({ appId: 'demo-app', pushDomain: 'a.example', pullDomain: 'b.example' }) as { getRoomMemberCount(): Promise<unknown> };
    await expect(client.getRoomMemberCount()).rejects.toMatchObject({ code: 430, errorCode: 'INVALID_STATE' });
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
    const client = sdk.init({ appId: 'demo-app', pushDomain: 'a.example', pullDomain: 'b.example' }) as {
      joinRoom(p: unknown): Promise<unknown>;
    };
    const err = await client
      .joinRoom({ appId: 'demo-app', token: 't', userId: 'u', role: 2, nonce: 'n', timestamp: 1, userRoomId: 'r' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sdk.JRTCFailure);
    expect(err).toMatchObject({ code: 401, reason: 'expired', errorCode: 'TOKEN_EXPIRED' });
    expect(calls).toEqual([
      {
        name: 'jrtc',
        data: { action: 'joinRoom', appId: 'demo-app', token: 't', userId: 'u', role: 2, nonce: 'n', timestamp: 1, userRoomId: 'r' },
      },
    ]);
  });
});

/**
 * Type errors of the fixture page compiled in a scratch mini program outside the repository, which has
 * only what a developer copies (lib/jrtc-miniapp.min.js and .d.ts) and installs (miniprogram-api-typings):
 * no zod, no shared/, no node_modules of ours up the tree, and the library's typings checked too.
 * `edit` rewrites the page's text first.
 */
function pageDiagnostics(edit: (text: string) => string = (t) => t): string[] {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-scratch-mp-'));
  try {
    const lib = path.join(scratch, 'miniprogram', 'lib');
    const pageDir = path.join(scratch, 'miniprogram', 'pages', 'room');
    fs.mkdirSync(lib, { recursive: true });
    fs.mkdirSync(pageDir, { recursive: true });
    for (const file of ['jrtc-miniapp.min.js', 'jrtc-miniapp.min.d.ts']) fs.copyFileSync(path.join(root, 'miniprogram', 'lib', file), path.join(lib, file));
    fs.mkdirSync(path.join(scratch, 'node_modules'));
    fs.symlinkSync(path.join(root, 'node_modules', 'miniprogram-api-typings'), path.join(scratch, 'node_modules', 'miniprogram-api-typings'), 'dir');
    const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'page.ts'), 'utf8').split('../../../miniprogram/lib/').join('../../lib/');
    const page = path.join(pageDir, 'room.ts');
    fs.writeFileSync(page, edit(text));
    const { config } = ts.readConfigFile(path.join(__dirname, 'fixtures', 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent({ ...config, files: [page] }, ts.sys, scratch);
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, skipLibCheck: false }, ts.createCompilerHost(parsed.options));
    const scratchFiles = program.getSourceFiles().map((f) => f.fileName).filter((f) => !f.includes('/node_modules/typescript/') && !f.includes('miniprogram-api-typings'));
    expect(scratchFiles.map((f) => path.relative(fs.realpathSync(scratch), fs.realpathSync(f))).sort()).toEqual(['miniprogram/lib/jrtc-miniapp.min.d.ts', 'miniprogram/pages/room/room.ts']);
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

describe('the SDK typings', () => {
  test('a page using wx.cloud as `cloud` and wx as `platform` compiles against miniprogram-api-typings', () => {
    expect(fs.existsSync(path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.d.ts'))).toBe(true);
    expect(pageDiagnostics()).toEqual([]);
  });

  test('the same page fails when what it passes does not fit CloudLike or the event signatures', () => {
    const wrongCloud = pageDiagnostics((t) => t.replace('cloud: wx.cloud,', 'cloud: { callFunction: wx.cloud.callFunction },'));
    expect(wrongCloud.join('\n')).toMatch(/CloudLike/);
    const wrongEvent = pageDiagnostics((t) => t.replace('(pushUrl: string) => this.setData', '(pushUrl: number) => this.setData'));
    expect(wrongEvent.length).toBeGreaterThan(0);
  });

  test('the shipped typings are whole: a wrong protocol field fails to compile (it would pass if anything were any)', () => {
    const wrongRole = pageDiagnostics((t) => t.replace("appId: 'demo-app',", "appId: 42,"));
    expect(wrongRole.join('\n')).toMatch(/Type 'number' is not assignable to type 'string'/);
    const wrongMember = pageDiagnostics((t) => `${t}\nexport const wrong: number = ({} as Member).userId;\n`);
    expect(wrongMember.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  test('the npm package points at the bundle and its typings, with the miniprogram field', () => {
    const lib = path.join(root, 'miniprogram', 'lib');
    const pkg = JSON.parse(fs.readFileSync(path.join(lib, 'package.json'), 'utf8')) as Record<string, string>;
    expect(pkg.miniprogram).toBe('.');
    expect(fs.existsSync(path.join(lib, pkg.main))).toBe(true);
    expect(fs.existsSync(path.join(lib, pkg.types))).toBe(true);
  });
});

describe('the built SDK on the local cloud', () => {
  test('joins, hears the roster, hands and signals, and leaves (the minified names hold together)', async () => {
    const ctx = await setupSdkTest();
    try {
      const sdk = load(undefined);
      type Bundled = { on(e: string, l: (...a: unknown[]) => void): void; [k: string]: unknown };
      const make = async (userId: string) =>
        (await sdk.init({ appId: 'demo-app', pushDomain: '127.0.0.1:1935', pullDomain: '127.0.0.1:1935', cloud: ctx.platform(`openid-${userId}`) })) as {
          joinRoom(p: unknown): Promise<Bundled>;
          destroy(): Promise<void>;
        };
      const teacher = await make('b-t');
      const student = await make('b-s');
      const troom = await teacher.joinRoom(joinParams('bundle-1', 'b-t', 1));
      const heard: string[] = [];
      troom.on('memberJoined', (m) => heard.push(`joined:${(m as { userId: string }).userId}`));
      troom.on('handRaised', (m) => heard.push(`hand:${(m as { userId: string }).userId}`));
      troom.on('signal', (x) => heard.push(`signal:${JSON.stringify(x)}`));
      const sroom = await student.joinRoom(joinParams('bundle-1', 'b-s', 1));
      const wait = async (what: string) => {
        for (let i = 0; i < 250 && !heard.includes(what); i++) await new Promise((r) => setTimeout(r, 20));
        expect(heard).toContain(what);
      };
      await wait('joined:b-s');
      await (sroom.raiseHand as () => Promise<unknown>)();
      await wait('hand:b-s');
      await new Promise((r) => setTimeout(r, 200));
      await (sroom.sendSignal as (o: unknown) => Promise<unknown>)({ type: 'ping', payload: 1 });
      await wait('signal:{"from":"b-s","nickName":"b-s","type":"ping","payload":1,"direct":false}');
      await (sroom.leaveRoom as () => Promise<void>)();
      expect(sroom.state).toBe('disconnected');
      await teacher.destroy();
      await student.destroy();
    } finally {
      await ctx.cleanup();
    }
  });
});
