import { createHash } from 'crypto';
import { runCli } from './commands';

/** JD Cloud's documented token example (see shared/token.test.ts). */
const jdArgs = [
  'token',
  '--app-id', '192bc3400174019265a7b1ad1ea7c6c7',
  '--app-key', 'SadW4EIcFmhmA7ixgK39MNegUFj0LnAkYEPlxlykexVezqsXS2Q1VOMed88ES4GxTP0Jiqv3pR/bCNE1lcrpA==',
  '--room-id', '60',
  '--user-id', '2b9be4b25c2d38c409c376ffd2372be1',
  '--nonce', 'AK-2b9be4b25c2d38c409c376ffd2372be1',
  '--timestamp', '4762379647000',
];

/** Tencent's documented push example (see shared/signers/signers.test.ts). */
const tencentArgs = [
  'sign', '--provider', 'tencent-css', '--key', 'e12c46f2612d5106e2034781ab261ca3',
  '--domain', 'livepush.tcloud.com', '--app', 'live', '--stream', 'test', '--expire', String(0x5c271099),
];

/** `argv` with the value of `option` replaced (or the option dropped when value is undefined). */
function withOption(argv: string[], option: string, value: string | undefined): string[] {
  const i = argv.indexOf(option);
  if (i < 0) return value === undefined ? argv : [...argv, option, value];
  return value === undefined ? [...argv.slice(0, i), ...argv.slice(i + 2)] : [...argv.slice(0, i + 1), value, ...argv.slice(i + 2)];
}

function expectBadInput(argv: string[], problem: RegExp): void {
  const r = runCli(argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^jrtc: [^\n]+\n$/);
  expect(r.stderr).toMatch(problem);
}

describe('jrtc token', () => {
  it('prints the token alone', () => {
    expect(runCli(jdArgs)).toEqual({
      stdout: 'N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_\n',
      stderr: '',
      code: 0,
    });
  });

  it('with --owner prints the token, then its owner proof (vector of shared/ownerProof.test.ts)', () => {
    expect(runCli([...jdArgs, '--owner'])).toEqual({
      stdout: 'N203UkQwM3pLdExvYURNcy9lWWhkNnJhS0FMWTlRdTh4bE9wTkcyR2ZIUT0_\nQTduWkZ4b01Sbks3b3J4aHBRY1JxUmdHbjRHVUgvRnFnRElDWnF5eWJmQT0_\n',
      stderr: '',
      code: 0,
    });
  });

  it.each([
    ['a missing option', withOption(jdArgs, '--app-key', undefined), /required option '--app-key/],
    ['a value after --owner', [...jdArgs, '--owner', 'yes'], /too many arguments/],
    ['a non-numeric timestamp', withOption(jdArgs, '--timestamp', '12ab'), /--timestamp.*'12ab'.*whole number/],
    ['a zero timestamp', withOption(jdArgs, '--timestamp', '0'), /--timestamp/],
    ['an id with a colon', withOption(jdArgs, '--room-id', 'a:b'), /--room-id/],
    ['an empty nonce', withOption(jdArgs, '--nonce', ''), /--nonce/],
    ['an empty app key', withOption(jdArgs, '--app-key', ''), /--app-key/],
    ['an unknown option', [...jdArgs, '--role', '1'], /unknown option '--role'/],
    ['an extra argument', [...jdArgs, 'extra'], /too many arguments/],
  ])('refuses %s with one line on stderr and exit code 2', (_label, argv, problem) => {
    expectBadInput(argv, problem);
  });
});

describe('jrtc sign', () => {
  it('prints the push URL, then rtmp, flv and hls pull URLs', () => {
    const auth = 'txSecret=f85a2ab363fe4deaffef9754d79da6fe&txTime=5C271099';
    expect(runCli(tencentArgs)).toEqual({
      stdout: [
        `rtmp://livepush.tcloud.com/live/test?${auth}`,
        `rtmp://livepush.tcloud.com/live/test?${auth}`,
        `https://livepush.tcloud.com/live/test.flv?${auth}`,
        `https://livepush.tcloud.com/live/test.m3u8?${auth}`,
        '',
      ].join('\n'),
      stderr: '',
      code: 0,
    });
  });

  it('passes scheme, rand and uid through (aliyun-a)', () => {
    const r = runCli([
      'sign', '--provider', 'aliyun-a', '--key', 'k3y', '--domain', 'cdn.example.com', '--app', 'live',
      '--stream', 's1', '--expire', '1700000000', '--scheme', 'http', '--rand', 'abc', '--uid', '7',
    ]);
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[2]).toBe(
      `http://cdn.example.com/live/s1.flv?auth_key=1700000000-abc-7-${md5('/live/s1.flv-1700000000-abc-7-k3y')}`,
    );
  });

  it.each([
    ['an unknown provider', withOption(tencentArgs, '--provider', 'wowza'), /--provider.*'wowza'/],
    ['a bad stream name', withOption(tencentArgs, '--stream', 'a/b'), /--stream: stream must/],
    ['a bad domain', withOption(tencentArgs, '--domain', 'https://x'), /--domain: domain must/],
    ['an expiry in milliseconds', withOption(tencentArgs, '--expire', '1700000000000'), /--expire: expireAt must be unix seconds/],
    ['a bad scheme', withOption(tencentArgs, '--scheme', 'ftp'), /--scheme.*'ftp'/],
    ['a missing key', withOption(tencentArgs, '--key', undefined), /required option '--key/],
  ])('refuses %s with one line on stderr and exit code 2', (_label, argv, problem) => {
    expectBadInput(argv, problem);
  });
});

describe('jrtc', () => {
  it('refuses no command or an unknown one', () => {
    expectBadInput([], /missing command/);
    expectBadInput(['mint'], /unknown command 'mint'/);
  });

  it('prints help on --help with exit code 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('token');
    expect(r.stdout).toContain('sign');
  });
});
