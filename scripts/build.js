#!/usr/bin/env node
/**
 * Builds everything that runs as plain JavaScript:
 * - each cloud function folder into its own `index.js` (shared/ and the core bundled in,
 *   wx-server-sdk left external) so that the folder deploys alone;
 * - the local cloud and the CLI into dist/ (node_modules left external);
 * - the room console page (emulator/jrtc/console/page) into dist/console/: its HTML and one script
 *   for the browser, mpegts.js and all bundled in.
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const functions = ['jrtc', 'jrtcSweep'];

/**
 * zod's `z` namespace re-exports `z.locales`, every translation of its error messages (about half
 * of zod's code); the namespace object keeps all of it in a bundle although only English is ever
 * configured. A cold start pays for parsing and compiling all of it, so the function bundles get
 * a locales module with English alone (what zod itself sets up by default).
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.dirname(args.path),
    }));
  },
};

async function main() {
  const started = Date.now();
  await Promise.all([
    ...functions.map((name) =>
      esbuild.build({
        entryPoints: [path.join(root, 'cloudfunctions', name, 'src', 'index.ts')],
        outfile: path.join(root, 'cloudfunctions', name, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node16',
        format: 'cjs',
        external: ['wx-server-sdk'],
        // Cold starts parse and compile the whole file: minified, it is less than half the size.
        minify: true,
        plugins: [zodEnglishOnly],
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
    esbuild.build({
      entryPoints: [
        path.join(root, 'cli', 'localCloud.ts'),
        // Forked by the functions host as each function instance's bootstrap.
        path.join(root, 'emulator', 'functions', 'instanceRuntime.ts'),
        path.join(root, 'cli', 'jrtc.ts'),
        path.join(root, 'cli', 'deploy.ts'),
        path.join(root, 'bench', 'run.ts'),
        path.join(root, 'bench', 'instanceMemory.ts'),
      ],
      outdir: path.join(root, 'dist'),
      outbase: root,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    }),
    buildConsole(),
  ]);
  if (!process.argv.includes('--quiet')) console.log(`built in ${Date.now() - started} ms`);
}

/** The console page: index.html copied, main.ts bundled for browsers the local cloud's users run. */
async function buildConsole() {
  const page = path.join(root, 'emulator', 'jrtc', 'console', 'page');
  const out = path.join(root, 'dist', 'console');
  await esbuild.build({
    entryPoints: [path.join(page, 'main.ts')],
    outfile: path.join(out, 'console.js'),
    bundle: true,
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    format: 'iife',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(page, 'index.html'), path.join(out, 'index.html'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
