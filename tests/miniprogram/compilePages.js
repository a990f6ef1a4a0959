#!/usr/bin/env node
/**
 * Compiles the demo's pages for miniprogram-simulate: `node compilePages.js <outDir>` bundles each
 * page's .ts (utils/ included) into <outDir>/pages/<name>/<name>.js with the SDK import left to the
 * built miniprogram/lib/jrtc-miniapp.min.js (absolute path), and copies the page's wxml, wxss and
 * json. A separate process because esbuild refuses to run inside jest's jsdom environment (its
 * Uint8Array is another realm's).
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const miniprogram = path.resolve(__dirname, '..', '..', 'miniprogram');
const sdk = path.join(miniprogram, 'lib', 'jrtc-miniapp.min.js');
const pages = JSON.parse(fs.readFileSync(path.join(miniprogram, 'app.json'), 'utf8')).pages;

async function main(outDir) {
  await esbuild.build({
    entryPoints: pages.map((p) => path.join(miniprogram, `${p}.ts`)),
    outdir: outDir,
    outbase: miniprogram,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    logLevel: 'warning',
    plugins: [
      {
        name: 'built-sdk',
        setup(build) {
          build.onResolve({ filter: /\/lib\/jrtc-miniapp\.min$/ }, () => ({ path: sdk, external: true }));
        },
      },
    ],
  });
  for (const page of pages) {
    for (const ext of ['wxml', 'wxss', 'json']) {
      fs.copyFileSync(path.join(miniprogram, `${page}.${ext}`), path.join(outDir, `${page}.${ext}`));
    }
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
