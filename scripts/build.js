#!/usr/bin/env node
/**
 * Builds everything that runs as plain JavaScript:
 * - each cloud function folder into its own `index.js` (shared/ and the core bundled in,
 *   wx-server-sdk left external) so that the folder deploys alone;
 * - the local cloud and the CLI into dist/ (node_modules left external).
 */
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const functions = ['jrtc', 'jrtcSweep'];

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
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
    esbuild.build({
      entryPoints: [path.join(root, 'emulator', 'main.ts'), path.join(root, 'cli', 'jrtc.ts'), path.join(root, 'bench', 'run.ts')],
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
  ]);
  if (!process.argv.includes('--quiet')) console.log(`built in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
