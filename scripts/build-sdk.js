#!/usr/bin/env node
/**
 * Builds the mini program SDK: miniprogram/lib/src/index.ts → miniprogram/lib/jrtc-miniapp.min.js
 * (CommonJS, ES2017 for the mini program runtime; bundled by esbuild, minified by swc), emits its
 * typings (tsconfig.sdk.json → miniprogram/lib/types/), then prints its raw and gzip sizes and
 * fails (exit 1) when the gzip size is not under the budget (trtc-wx-sdk's 7,849 bytes).
 *
 * The bundle's module.exports is the client class itself, with `default` (and every named export) on
 * it, so both `require('../lib/jrtc-miniapp.min')` and `import JRTCMiniappClient from ...` work.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');
const GZIP_BUDGET = 7849;

/**
 * Internal member names (private fields and methods, internal records) that the bundle shortens.
 * Never list a name that crosses the SDK's edge: wire fields (leaseMs, members, ...), platform
 * calls (watch, close, call, resolve, ...), options, or anything public (methods, getters, statics).
 */
const INTERNAL_NAMES = (
  'currentState|currentRole|currentCounts|troubles|stops|resuming|leaving|onEnd|config|session|roster|hands|' +
  'roomVersion|announced|inbox|wasInvited|params|setState|own|health|end|leave|adopt|setOwnRole|onMembers|' +
  'onHands|onOwn|onSignals|onRoom|report|syncStream|goLive|stopLive|beat|setTokenExpiry|away|back|lapse|' +
  'resume|rejoin|background|feedVolume|mediaError|isLive|live|stopHands|beats|tokenTimer|tokenExpiry|' +
  'awaySince|lapsed|speaker|lease|openWatch|target|listeners|current|pending|settling|destroyed|runJoin|' +
  'done|synced|seen|primed|moved|over'
);

async function main() {
  const bundled = await esbuild.build({
    entryPoints: [path.join(root, 'miniprogram', 'lib', 'src', 'index.ts')],
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    legalComments: 'none',
    logLevel: 'warning',
    mangleProps: new RegExp(`^(${INTERNAL_NAMES})$`),
    // esbuild's CJS output is {default, ...named}; make the class itself the export as well.
    footer: { js: 'module.exports=Object.assign(module.exports.default,module.exports);' },
  });
  // swc's minifier (already here for jest) compresses this bundle about 6% smaller than esbuild's.
  const minified = await swc.minify(bundled.outputFiles[0].text, {
    compress: { ecma: 2017, toplevel: true, passes: 2 },
    mangle: { toplevel: true },
    toplevel: true,
    module: false,
  });
  fs.writeFileSync(outfile, minified.code);
  const code = fs.readFileSync(outfile);
  const gzip = zlib.gzipSync(code, { level: 9 }).length;
  const ok = gzip < GZIP_BUDGET;
  const quiet = process.argv.includes('--quiet');
  if (!quiet || !ok) {
    console.log(
      `${path.relative(root, outfile)}: ${code.length} bytes, ${gzip} bytes gzip ` +
        `(budget < ${GZIP_BUDGET}) ${ok ? 'OK' : 'FAIL'}`,
    );
  }
  if (!ok) process.exit(1);
  if (!process.argv.includes('--no-types')) {
    const tsc = require.resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.sdk.json')], { stdio: 'inherit' });
    // The seed imports '../lib/jrtc-miniapp.min': this file types that import (and the npm package).
    fs.writeFileSync(
      path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.d.ts'),
      "export * from './types/miniprogram/lib/src/index';\nexport { default } from './types/miniprogram/lib/src/index';\n",
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
