#!/usr/bin/env node
/**
 * Compiles the demo's pages for miniprogram-simulate: `node compilePages.js <outDir>` bundles each
 * page's .ts (utils/ included) into <outDir>/pages/<name>/<name>.js with the SDK imports left to the
 * built miniprogram/lib/jrtc-miniapp.min.js and jrtc-calls.min.js (absolute paths), and copies the
 * page's wxml, wxss and json. A separate process because esbuild refuses to run inside jest's jsdom
 * environment (its Uint8Array is another realm's).
 *
 * `node compilePages.js <outDir> '<json>'` also merges the JSON object into the pages' `demoConfig`
 * (miniprogram/utils/config.ts), which the pages pass to `JRTCMiniappClient.init`: how a test gives
 * the pages SDK options such as `tokenWillExpireLeadMs` while the shipped config stays as it is.
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const miniprogram = path.resolve(__dirname, '..', '..', 'miniprogram');
const sdk = path.join(miniprogram, 'lib', 'jrtc-miniapp.min.js');
// The calls bundle requires './jrtc-miniapp.min' itself, which resolves to the same file as `sdk`.
const callsBundle = path.join(miniprogram, 'lib', 'jrtc-calls.min.js');
const pages = JSON.parse(fs.readFileSync(path.join(miniprogram, 'app.json'), 'utf8')).pages;
const configFile = path.join(miniprogram, 'utils', 'config.ts');

/** Appends `Object.assign(demoConfig, overrides)` to config.ts as the bundle loads it (the file is untouched). */
function configOverrides(overrides) {
  return {
    name: 'demo-config-overrides',
    setup(build) {
      build.onLoad({ filter: /[\\/]utils[\\/]config\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== configFile) return undefined;
        const source = fs.readFileSync(configFile, 'utf8');
        return { contents: `${source}\nObject.assign(demoConfig, ${JSON.stringify(overrides)});\n`, loader: 'ts' };
      });
    },
  };
}

async function main(outDir, overridesJson) {
  const overrides = overridesJson ? JSON.parse(overridesJson) : null;
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
          build.onResolve({ filter: /\/lib\/jrtc-calls\.min$/ }, () => ({ path: callsBundle, external: true }));
        },
      },
      ...(overrides ? [configOverrides(overrides)] : []),
    ],
  });
  for (const page of pages) {
    for (const ext of ['wxml', 'wxss', 'json']) {
      fs.copyFileSync(path.join(miniprogram, `${page}.${ext}`), path.join(outDir, `${page}.${ext}`));
    }
  }
}

main(process.argv[2], process.argv[3]).catch((err) => {
  console.error(err);
  process.exit(1);
});
