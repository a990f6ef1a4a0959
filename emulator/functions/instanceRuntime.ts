/**
 * The bootstrap of one function instance, a process of its own as on SCF: it loads the deployable
 * bundle (argv: file, export) with the real `require('wx-server-sdk')`, then runs one event at a
 * time, each with the caller context set in process.env the way the platform sets it, so
 * `cloud.getWXContext()` is wx-server-sdk's own. Its env (the function's variables and where the
 * admin API is) was set by the host when it forked the process.
 */
import { describeError } from './describeError';
import type { InstanceMessage, InvokeMessage } from './instance';

type Handler = (event: unknown, context: unknown) => unknown;

const [, , file, exportName] = process.argv;
const realNow = Date.now.bind(Date);
let clockOffsetMs = 0;
// Only Date.now moves, as in the host (emulator/timers/clock.ts): the functions read time through it.
Date.now = (): number => realNow() + clockOffsetMs;

/** The env keys the previous event set, removed before the next one sets its own. */
let eventKeys: string[] = [];
let current: number | null = null;

function send(message: InstanceMessage): void {
  process.send?.(message);
}

function loadHandler(): Handler | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown> | null;
    const handler = exports?.[exportName];
    return typeof handler === 'function' ? (handler as Handler) : `${file} exports no ${exportName}()`;
  } catch (err) {
    return `loading ${file} failed: ${describeError(err)}`;
  }
}

/**
 * The platform's serialisation of a return value. A value JSON cannot hold (a function, a symbol)
 * fails the call with the same SyntaxError the parse of the platform's round trip throws.
 */
function platformJson(result: unknown): string | undefined {
  if (result === undefined) return undefined;
  const json = JSON.stringify(result) as string | undefined;
  if (json === undefined) JSON.parse(String(json));
  return json;
}

async function run(handler: Handler, message: InvokeMessage): Promise<void> {
  for (const key of eventKeys) delete process.env[key];
  eventKeys = Object.keys(message.env);
  Object.assign(process.env, message.env);
  clockOffsetMs = message.clockOffsetMs;
  current = message.id;
  try {
    const result = await handler(JSON.parse(message.eventJson) as unknown, message.context);
    send({ type: 'done', id: message.id, resultJson: platformJson(result) });
  } catch (err) {
    // The function's own log line, as SCF prints a failed invocation's error.
    process.stderr.write(`${err instanceof Error && err.stack ? err.stack : describeError(err)}\n`);
    send({ type: 'failed', id: message.id, error: describeError(err) });
  } finally {
    current = null;
  }
}

const started = realNow();
const loaded = loadHandler();
if (typeof loaded === 'string') send({ type: 'loadFailed', error: loaded });
else send({ type: 'ready', loadMs: realNow() - started });

process.on('message', (message: InvokeMessage) => {
  if (typeof loaded === 'string' || message?.type !== 'invoke') return;
  void run(loaded, message);
});

// What escapes the handler (a throw in a timer callback) fails the event that runs and ends the
// instance, as a crashed SCF instance: the host starts a fresh one for the next event.
const crash = (err: unknown): void => {
  process.stderr.write(`instance crashed: ${err instanceof Error && err.stack ? err.stack : describeError(err)}\n`);
  if (current !== null) send({ type: 'failed', id: current, error: `instance crashed: ${describeError(err)}`, fatal: true });
  process.exitCode = 1;
  process.disconnect?.();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// The host going away ends the instance.
process.on('disconnect', () => process.exit());
