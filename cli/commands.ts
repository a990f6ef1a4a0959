/**
 * The `jrtc` command line, as a pure function of argv: it returns what to print and the exit code, so
 * tests run it in-process and cli/jrtc.ts only wires it to the process.
 *
 *   jrtc token --app-id A --app-key K --room-id R --user-id U --nonce N --timestamp MS [--owner]
 *   jrtc sign --provider nms|tencent-css|aliyun-a --key K --domain D --app APP --stream S --expire SECONDS
 *             [--scheme http|https] [--http-port P] [--rand R] [--uid U]
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { idSchema } from '../shared/common';
import { Limits } from '../shared/constants';
import { ProtocolError } from '../shared/errors';
import { MEDIA_PROVIDERS, signPullUrls, signPushUrl, type MediaProvider } from '../shared/signers';
import { computeOwnerProof } from '../shared/ownerProof';
import { computeToken } from '../shared/token';

/** What a CLI run prints and how it exits. */
export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Exit codes: 0 success (or help), 2 bad input — nothing is printed on stdout then. */
export const ExitCode = { OK: 0, BAD_INPUT: 2 } as const;

/** A problem with the user's input, reported as one line. */
class InputError extends Error {}

function wholeNumber(value: string): number {
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number.');
  }
  return Number(value);
}

function checkId(option: string, value: string): void {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${option}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
}

interface TokenOptions {
  appId: string;
  appKey: string;
  roomId: string;
  userId: string;
  nonce: string;
  timestamp: number;
  owner?: boolean;
}

/** The token, then (with --owner) the owner proof that makes its first join the room's owner. */
function tokenAction(opts: TokenOptions): string {
  checkId('--app-id', opts.appId);
  checkId('--room-id', opts.roomId);
  checkId('--user-id', opts.userId);
  if (opts.nonce.length === 0 || opts.nonce.length > Limits.nonceMaxLength) {
    throw new InputError(`--nonce: must be 1-${Limits.nonceMaxLength} characters`);
  }
  if (opts.appKey.length === 0) throw new InputError('--app-key: must not be empty');
  if (opts.timestamp <= 0) throw new InputError('--timestamp: must be the expiry in ms since the epoch');
  const params = { appId: opts.appId, appKey: opts.appKey, roomId: opts.roomId, userId: opts.userId, nonce: opts.nonce, timestamp: opts.timestamp };
  const token = computeToken(params);
  return opts.owner ? `${token}\n${computeOwnerProof(params)}\n` : `${token}\n`;
}

interface SignOptions {
  provider: MediaProvider;
  key: string;
  domain: string;
  app: string;
  stream: string;
  expire: number;
  scheme?: 'http' | 'https';
  httpPort?: number;
  rand?: string;
  uid?: string;
}

function signAction(opts: SignOptions): string {
  const input = {
    provider: opts.provider,
    key: opts.key,
    domain: opts.domain,
    app: opts.app,
    stream: opts.stream,
    expireAt: opts.expire,
    scheme: opts.scheme,
    httpPort: opts.httpPort,
    rand: opts.rand,
    uid: opts.uid,
  };
  const push = signPushUrl(input);
  const pull = signPullUrls(input);
  return [push, pull.rtmp, pull.flv, pull.hls].join('\n') + '\n';
}

function buildProgram(emit: (stdout: string) => void, help: { out: string }): Command {
  const program = new Command('jrtc')
    .description('Issue JRTC room tokens and signed media URLs from a trusted machine.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        help.out += s;
      },
      // Errors are reported by runCli as one line; commander's own (multi-line) text is dropped.
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .allowExcessArguments(false);

  program
    .command('token')
    .description('Print the JRTC token for a user in a room (JD Cloud JRTC compatible); with --owner, then its owner proof.')
    .requiredOption('--app-id <id>', 'JRTC application id')
    .requiredOption('--app-key <key>', 'the application key (secret)')
    .requiredOption('--room-id <id>', 'room id (userRoomId)')
    .requiredOption('--user-id <id>', 'user id')
    .requiredOption('--nonce <nonce>', 'random nonce, e.g. AK- plus 32 hex digits')
    .requiredOption('--timestamp <ms>', 'expiry in milliseconds since the epoch', wholeNumber)
    .option('--owner', 'also print the owner proof (second line): joinRoom with it makes the user the owner (secret, like the token)')
    .allowExcessArguments(false)
    .action((opts: TokenOptions) => emit(tokenAction(opts)));

  program
    .command('sign')
    .description('Print a signed push URL, then the pull URLs (rtmp, flv, hls), one per line.')
    .addOption(new Option('--provider <name>', 'media provider').choices(MEDIA_PROVIDERS).makeOptionMandatory())
    .requiredOption('--key <key>', "the provider's signing key (secret)")
    .requiredOption('--domain <host>', 'host name, optionally with :port')
    .requiredOption('--app <app>', 'application segment of the stream path, e.g. live')
    .requiredOption('--stream <name>', 'stream name')
    .requiredOption('--expire <seconds>', 'expiry in unix seconds', wholeNumber)
    .addOption(new Option('--scheme <scheme>', 'scheme of the flv/hls URLs').choices(['http', 'https']))
    .option('--http-port <port>', 'port of the flv/hls URLs when not the RTMP one (self-hosted servers)', wholeNumber)
    .option('--rand <rand>', 'Aliyun type A rand (default 0)')
    .option('--uid <uid>', 'Aliyun type A uid (default 0)')
    .allowExcessArguments(false)
    .action((opts: SignOptions) => emit(signAction(opts)));

  return program;
}

/** The signer's field names, as the options that carry them. */
const optionOfField: Record<string, string> = { expireAt: '--expire' };

/** `--option: ` for an error whose details name a field, so the user knows which flag to fix. */
function optionFor(err: ProtocolError): string {
  const field = (err.details as { field?: unknown } | undefined)?.field;
  if (typeof field !== 'string') return '';
  return `${optionOfField[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`}: `;
}

/** Folds a possibly multi-line message into the single stderr line the CLI promises. */
function oneLine(message: string): string {
  return `jrtc: ${message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^error: /, '')}\n`;
}

/**
 * Runs the CLI on `argv` (the arguments after `node jrtc.js`). Bad input gives one line on stderr
 * naming the problem, exit code 2 and an empty stdout; `--help` prints help with exit code 0.
 */
export function runCli(argv: readonly string[]): CliResult {
  let stdout = '';
  const help = { out: '' };
  const program = buildProgram((s) => {
    stdout += s;
  }, help);
  try {
    program.parse([...argv], { from: 'user' });
    return { stdout, stderr: '', code: ExitCode.OK };
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) {
      return { stdout: help.out, stderr: '', code: ExitCode.OK };
    }
    if (err instanceof CommanderError && err.code === 'commander.help') {
      return { stdout: '', stderr: oneLine('missing command: use `jrtc token` or `jrtc sign` (see jrtc --help)'), code: ExitCode.BAD_INPUT };
    }
    if (err instanceof ProtocolError) {
      return { stdout: '', stderr: oneLine(`${optionFor(err)}${err.message}`), code: ExitCode.BAD_INPUT };
    }
    if (err instanceof CommanderError || err instanceof InputError) {
      return { stdout: '', stderr: oneLine(err.message), code: ExitCode.BAD_INPUT };
    }
    throw err;
  }
}
