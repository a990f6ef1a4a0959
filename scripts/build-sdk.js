#!/usr/bin/env node
/**
 * Builds the mini program SDK: miniprogram/lib/src/index.ts → miniprogram/lib/jrtc-miniapp.min.js
 * (CommonJS, ES2017 for the mini program runtime, minified), then prints its raw and gzip sizes and
 * fails (exit 1) when the gzip size is not under the budget (trtc-wx-sdk's 7,849 bytes).
 *
 * The bundle's module.exports is the client class itself, with `default` (and every named export) on
 * it, so both `require('../lib/jrtc-miniapp.min')` and `import JRTCMiniappClient from ...` work.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'miniprogram', 'lib', 'jrtc-miniapp.min.js');
const GZIP_BUDGET = 7849;

async function main() {
  await esbuild.build({
    entryPoints: [path.join(root, 'miniprogram', 'lib', 'src', 'index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // esbuild's CJS output is {default, ...named}; make the class itself the export as well.
    footer: { js: 'module.exports=Object.assign(module.exports.default,module.exports);' },
  });
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
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
