/**
 * One instance process of a function: forked with the function's env, loads the bundle once
 * (the cold start), then runs one event at a time until it is stopped, crashes or times out.
 * The host validates what an instance sends over IPC (JSON): a function may print or exit
 * anything, the host must not believe a malformed reply.
 */
import { fork, type ChildProcess } from 'child_process';
import readline from 'readline';
import { z } from 'zod';


/**
 * Host → instance: run one event. `eventJson` is the event as text, as the platform hands it to a
 * runtime (an object nested however deep reaches the function: serialising it here would overflow
 * the stack first). `env` is the invocation's caller context, as SCF sets it.
 */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  eventJson: string;
  context: Record<string, unknown>;
  env: Record<string, string>;
  /** How far the local cloud's clock runs ahead of real time (tests move time). */
  clockOffsetMs: number;
}

/** Instance → host. */
export const instanceMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), loadMs: z.number() }).strict(),
  z.object({ type: z.literal('loadFailed'), error: z.string() }).strict(),
  // `resultJson` absent: the function returned undefined.
  z.object({ type: z.literal('done'), id: z.number(), resultJson: z.string().optional() }).strict(),
  // `fatal`: the instance is ending (it crashed) and takes no more events.
  z.object({ type: z.literal('failed'), id: z.number(), error: z.string(), fatal: z.boolean().optional() }).strict(),
]);
/** A message an instance sends. */
export type InstanceMessage = z.infer<typeof instanceMessage>;

/** How an event ended in an instance. */
export type EventOutcome =
  | { kind: 'done'; resultJson: string | undefined }
  | { kind: 'failed'; error: string }
  | { kind: 'timeout' }
  | { kind: 'lost'; error: string };

/** What an instance is forked with. */
export interface InstanceSpec {
  functionName: string;
  /** The instance bootstrap (dist/emulator/functions/instanceRuntime.js). */
  runtimeFile: string;
  bundleFile: string;
  exportName: string;
  /** The process's whole env. */
  env: Record<string, string>;
  /** Receives the instance's stdout and stderr, a line at a time. */
  log: (line: string) => void;
}

let nextEventId = 1;

/** A running instance process. */
export class FunctionInstance {
  /** Resolves once the bundle loaded, or rejects with why it did not. */
  readonly ready: Promise<number>;
  private readonly child: ChildProcess;
  private pending: { id: number; resolve: (outcome: EventOutcome) => void } | null = null;
  private exited = false;
  /** Killed or crashing: it takes no more events, even before its process is gone. */
  private retired = false;

  constructor(readonly spec: InstanceSpec, readonly label: string) {
    this.child = fork(spec.runtimeFile, [spec.bundleFile, spec.exportName], {
      env: spec.env,
      // The host's own flags (jest's, inspector ports) are not the function's.
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => spec.log(`[functions] ${label}: ${line}`));
    }
    this.ready = new Promise<number>((resolve, reject) => {
      this.child.on('message', (raw: unknown) => {
        const parsed = instanceMessage.safeParse(raw);
        if (!parsed.success) return spec.log(`[functions] ${label}: ignored a malformed message from the instance`);
        const message: InstanceMessage = parsed.data;
        if (message.type === 'ready') resolve(message.loadMs);
        else if (message.type === 'loadFailed') reject(new Error(message.error));
        else if (message.type === 'done') this.settle(message.id, { kind: 'done', resultJson: message.resultJson });
        else {
          if (message.fatal) this.retired = true;
          this.settle(message.id, { kind: 'failed', error: message.error });
        }
      });
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        const why = `instance exited (${signal ?? `code ${code}`})`;
        reject(new Error(why));
        if (this.pending) this.settle(this.pending.id, { kind: 'lost', error: why });
      });
      this.child.on('error', (err) => spec.log(`[functions] ${label}: ${err.message}`));
    });
    // A load failure is reported through invocations; nothing else awaits `ready` for it.
    this.ready.catch(() => undefined);
  }

  /** True while the process runs and can take events. */
  get alive(): boolean {
    return !this.exited && !this.retired && this.child.connected;
  }

  /** Runs one event; the instance is killed when it takes longer than `timeoutMs`. */
  run(message: Omit<InvokeMessage, 'type' | 'id'>, timeoutMs: number): Promise<EventOutcome> {
    if (this.pending) throw new Error(`${this.label} is busy: one event at a time`);
    const id = nextEventId++;
    return new Promise<EventOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.settle(id, { kind: 'timeout' });
        this.kill();
      }, timeoutMs);
      this.pending = {
        id,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.child.send({ type: 'invoke', id, ...message } satisfies InvokeMessage, (err) => {
        if (err) this.settle(id, { kind: 'lost', error: `could not reach the instance: ${err.message}` });
      });
    });
  }

  /** Ends the process (SIGKILL: a function gets no say, as on SCF). Resolves once it exited. */
  kill(): Promise<void> {
    this.retired = true;
    if (this.exited) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  private settle(id: number, outcome: EventOutcome): void {
    if (!this.pending || this.pending.id !== id) return;
    const { resolve } = this.pending;
    this.pending = null;
    resolve(outcome);
  }
}
