/**
 * The deployable bundles: each cloud function folder's built index.js loads with the REAL
 * wx-server-sdk and exports `main`. Run in a child process so nothing of wx-server-sdk touches jest,
 * and with no call made: loading must not reach the network (wx-server-sdk's init looks up Tencent's
 * metadata service, so the entry defers it to the first call).
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..');

test.each(['jrtc', 'jrtcSweep'])('cloudfunctions/%s/index.js loads with the real wx-server-sdk', (name) => {
  const bundle = path.join(root, 'cloudfunctions', name, 'index.js');
  expect(fs.existsSync(bundle)).toBe(true);
  const script = `
    const resolved = require.resolve('wx-server-sdk', { paths: [${JSON.stringify(path.dirname(bundle))}] });
    const sdkVersion = require(require('path').join(require('path').dirname(resolved), 'package.json')).version;
    const fn = require(${JSON.stringify(bundle)});
    // Give anything the load started (a lookup, a socket) time to show itself.
    setTimeout(() => {
      process.stdout.write(JSON.stringify({ main: typeof fn.main, sdkVersion, network: globalThis.__networkAttempts }));
    }, 300);
  `;
  // noNetwork.js records (and refuses) every attempt to reach a host that is not loopback.
  const preload = path.join(__dirname, 'fixtures', 'noNetwork.js');
  const out = execFileSync(process.execPath, ['-r', preload, '-e', script], { cwd: root, timeout: 20_000 }).toString();
  expect(JSON.parse(out)).toEqual({ main: 'function', sdkVersion: '4.0.2', network: [] });
  // The bundle carries our code but not wx-server-sdk itself (it stays a runtime dependency).
  const text = fs.readFileSync(bundle, 'utf8');
  expect(text).toMatch(/require\("wx-server-sdk"\)/);
  expect(text).not.toMatch(/tcb-admin-node|@cloudbase\/node-sdk/);
});
