import { spawnSync } from 'child_process';
import path from 'path';

// Runs the built CLI as a user would (jest's globalSetup builds dist/ first).
const cli = path.resolve(__dirname, '..', 'dist', 'cli', 'jrtc.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20000 });

describe('dist/cli/jrtc.js', () => {
  it('prints a token on stdout and exits 0', () => {
    const r = run([
      'token', '--app-id', '192bc3400174019265a7b1ad1ea7c6c7',
      '--app-key', 'SadW4EIcFmhmA7ixgK39MNegUFj0LnAkYEPlxlykexVezqsXS2Q1VOMed88ES4GxTP0Jiqv3pR/bCNE1lcrpA==',
      '--room-id', '60', '--user-id', '2b9be4b25c2d38c409c376ffd2372be1',
      '--nonce', 'AK-2b9be4b25c2d38c409c376ffd2372be1', '--timestamp', '4762379647000',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_\n');
    expect(r.status).toBe(0);
  });

  it('reports bad input on one stderr line with exit code 2', () => {
    const r = run(['sign', '--provider', 'nms', '--key', 'k', '--domain', 'localhost', '--app', 'live', '--stream', 'x y', '--expire', '1']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^jrtc: --stream: [^\n]+\n$/);
    expect(r.status).toBe(2);
  });
});
