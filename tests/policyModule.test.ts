/**
 * The jrtc function runs the deployment's policy module when cloudfunctions/jrtc/policy.ts exists and
 * its default policy otherwise: the import `jrtc-policy` resolves through tsconfig.json `paths`, which
 * both tsc and the bundler (esbuild, scripts/build.js) follow, trying the entries in order.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import * as esbuild from 'esbuild';

const ROOT = path.join(__dirname, '..');
const ENTRY = path.join(ROOT, 'cloudfunctions', 'jrtc', 'src', 'index.ts');

/** The function bundle, as scripts/build.js makes it, with `jrtc-policy` resolved through `paths`. */
async function bundle(paths: string[]): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    external: ['wx-server-sdk'],
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions: { paths: { 'jrtc-policy': paths } } },
  });
  return result.outputFiles[0].text;
}

test('tsconfig.json names the deployment module first and the default second', () => {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  expect(config.compilerOptions.paths['jrtc-policy']).toEqual(['./cloudfunctions/jrtc/policy.ts', './cloudfunctions/jrtc/src/defaultPolicy.ts']);
  expect(fs.existsSync(path.join(ROOT, 'cloudfunctions', 'jrtc', 'policy.ts'))).toBe(false); // the repository ships none
});

test("a policy module present is the one bundled; absent, the default's", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-policy-'));
  try {
    const own = path.join(dir, 'policy.ts');
    const fallback = path.join(ROOT, 'cloudfunctions', 'jrtc', 'src', 'defaultPolicy.ts');
    fs.writeFileSync(own, "export const policy = async () => { throw new Error('the deployment policy ran'); };\n");
    const withOwn = await bundle([own, fallback]);
    expect(withOwn).toContain('the deployment policy ran');
    expect(withOwn).not.toContain('cloudfunctions/jrtc/src/defaultPolicy.ts'); // esbuild marks each module it bundles
    const withoutOwn = await bundle([path.join(dir, 'absent.ts'), fallback]);
    expect(withoutOwn).not.toContain('the deployment policy ran');
    expect(withoutOwn).toContain('cloudfunctions/jrtc/src/defaultPolicy.ts');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
