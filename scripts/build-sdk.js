#!/usr/bin/env node
/**
 * Builds the mini program SDK: miniprogram/lib/src/index.ts → miniprogram/lib/jrtc-miniapp.min.js
 * (CommonJS, ES2017 for the mini program runtime; bundled by esbuild, minified by swc), writes its
 * self-contained typings beside it (sdkTypings.js), then prints its raw and gzip sizes and
 * fails (exit 1) when the gzip size is over the budget (10,240 bytes).
 *
 * The bundle's module.exports is the client class itself, with `default` (and every named export) on
 * it, so both `require('../lib/jrtc-miniapp.min')` and `import JRTCMiniappClient from ...` work.
 * esbuild bundles to ESM and this script turns the one `export {...}` the minifier leaves into that
 * assignment: esbuild's CommonJS wrapper (property getters, __esModule, a copy loop) costs about 170
 * bytes gzip and gives nothing here, since the copy dropped the getters and __esModule anyway.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');
const swc = require('@swc/core');
const { writeCallsTypings, writeSdkTypings } = require('./sdkTypings');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');
// The same figure as bench/measures/sdkSize.ts SDK_GZIP_BUDGET.
const GZIP_BUDGET = 10240;

/**
 * Internal member names (private fields and methods, internal records) that the bundle shortens.
 * Never list a name that crosses the SDK's edge: wire fields (leaseMs, members, ...), platform
 * calls (watch, close, call, resolve, ...), options, or anything public (methods, getters, statics).
 */
const INTERNAL_NAMES = (
  'currentState|currentRole|currentCounts|currentOwner|troubles|stops|resuming|leaving|onEnd|config|session|roster|hands|' +
  'roomVersion|cap|adoptRoom|announced|inbox|wasInvited|params|setState|own|health|end|leave|adopt|setOwnRole|onMembers|' +
  'onHands|onOwn|onSignals|onRoom|report|syncStream|goLive|stopLive|beat|setTokenExpiry|away|back|lapse|' +
  'resume|rejoin|background|feedVolume|mediaError|isLive|live|stopHands|beats|tokenTimer|tokenExpiry|' +
  'awaySince|lapsed|speaker|lease|openWatch|target|listeners|current|pending|settling|destroyed|runJoin|' +
  'done|synced|seen|primed|moved|over|inboxes|events|previous|onOk|firstInMs|delays|maxRetries|feed|media|pusher|player|allMute|host'
);

/** `export{a as B,c as default}` at the end of the minified ESM → `module.exports=Object.assign(c,{B:a,...})`. */
function toCommonJs(code) {
  const found = /export\s*\{([^}]*)\};?\s*$/.exec(code);
  if (!found) throw new Error('build-sdk: the minified bundle does not end with one export statement');
  const pairs = found[1].split(',').map((entry) => {
    const [local, exported = local] = entry.trim().split(/\s+as\s+/);
    return [local, exported];
  });
  const main = pairs.find(([, exported]) => exported === 'default');
  if (!main) throw new Error('build-sdk: the bundle has no default export');
  const named = pairs.filter(([, exported]) => exported !== 'default').map(([local, exported]) => `${exported}:${local}`);
  const body = code.slice(0, found.index).replace(/^"use strict";/, '');
  return `"use strict";${body}module.exports=Object.assign(${main[0]},{default:${main[0]},${named.join(',')}});`;
}

async function main() {
  const bundled = await esbuild.build({
    entryPoints: [path.join(root, 'miniprogram', 'lib', 'src', 'index.ts')],
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2017',
    legalComments: 'none',
    logLevel: 'warning',
    mangleProps: new RegExp(`^(${INTERNAL_NAMES})$`),
  });
  // swc's minifier (already here for jest) compresses this bundle about 6% smaller than esbuild's.
  const minified = await swc.minify(bundled.outputFiles[0].text, {
    compress: { ecma: 2017, toplevel: true, passes: 2 },
    mangle: { toplevel: true },
    toplevel: true,
    module: true,
  });
  fs.writeFileSync(outfile, toCommonJs(minified.code));
  const code = fs.readFileSync(outfile);
  const gzip = zlib.gzipSync(code, { level: 9 }).length;
  const ok = gzip <= GZIP_BUDGET;
  const quiet = process.argv.includes('--quiet');
  if (!quiet || !ok) {
    console.log(
      `${path.relative(root, outfile)}: ${code.length} bytes, ${gzip} bytes gzip ` +
        `(budget <= ${GZIP_BUDGET}) ${ok ? 'OK' : 'FAIL'}`,
    );
  }
  if (!ok) process.exit(1);
  if (!(await buildCalls(quiet))) process.exit(1);
  if (!process.argv.includes('--no-types')) {
    // A fresh declaration tree: files of modules since removed must not linger in it.
    fs.rmSync(path.join(root, 'miniprogram', 'lib', 'types'), { recursive: true, force: true });
    const tsc = require.resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.sdk.json')], { stdio: 'inherit' });
    // The seed imports '../lib/jrtc-miniapp.min': this file types that import (and the npm package).
    writeSdkTypings(root, path.join(root, 'miniprogram', 'lib', 'types'), path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.d.ts'));
    writeCallsTypings(root, path.join(root, 'miniprogram', 'lib', 'types'), path.join(root, 'miniprogram', 'lib', 'jrtc-calls.min.d.ts'));
  }
}

/** The calls bundle's own budget: what a page that rings adds to the SDK. */
const CALLS_GZIP_BUDGET = 4096;

/**
 * The calls bundle: miniprogram/lib/src/calls/index.ts → miniprogram/lib/jrtc-calls.min.js
 * (CommonJS). Its imports of the SDK's entry (`../index`) become `require('./jrtc-miniapp.min')`,
 * so it runs on the SDK bundle loaded beside it (one JRTCError class, one client class). Not
 * mangled: it reads the SDK's objects by their unmangled names (its `setup`, a room's `call`).
 */
async function buildCalls(quiet) {
  const callsFile = path.join(root, 'miniprogram', 'lib', 'jrtc-calls.min.js');
  const sdkEntry = path.join(root, 'miniprogram', 'lib', 'src', 'index.ts');
  const bundled = await esbuild.build({
    entryPoints: [path.join(root, 'miniprogram', 'lib', 'src', 'calls', 'index.ts')],
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [
      {
        name: 'sdk-external',
        setup(build) {
          build.onResolve({ filter: /^\.\.\/index$/ }, (args) =>
            path.resolve(args.resolveDir, '../index.ts') === sdkEntry ? { path: './jrtc-miniapp.min', external: true } : undefined,
          );
        },
      },
    ],
  });
  const minified = await swc.minify(bundled.outputFiles[0].text, {
    compress: { ecma: 2017, toplevel: true, passes: 2 },
    mangle: { toplevel: true },
    toplevel: true,
  });
  fs.writeFileSync(callsFile, minified.code);
  const gzip = zlib.gzipSync(minified.code, { level: 9 }).length;
  const ok = gzip <= CALLS_GZIP_BUDGET;
  if (!quiet || !ok) {
    console.log(`${path.relative(root, callsFile)}: ${minified.code.length} bytes, ${gzip} bytes gzip (budget <= ${CALLS_GZIP_BUDGET}) ${ok ? 'OK' : 'FAIL'}`);
  }
  return ok;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
