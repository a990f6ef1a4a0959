/**
 * Timer triggers from cloudbaserc.json, scheduled with real timers against the emulator clock:
 * moving the clock past a trigger's next time fires it once and reschedules, as the platform would
 * have. `fire(name)` runs one now (admin route, tests).
 */
import { CronExpressionParser } from 'cron-parser';
import type { EmulatorClock } from './clock';
import type { TimerTriggerConfig } from '../cloudConfig';
import type { FunctionsHost, InvokeResult } from '../functions/functionsHost';
import { HttpError, decodeSegment, expectMethod, readJson, sendJson } from '../httpKit';
import { CloudErrors, statusOf } from '../cloudErrors';
import { type EmulatorService, type HttpRoute, stderrLog } from '../service';

/** Options of the timer service. */
export interface TimerServiceOptions {
  host: FunctionsHost;
  triggers: TimerTriggerConfig[];
  /** When given, advancing it fires triggers whose time has come and reschedules the rest. */
  clock?: EmulatorClock;
  /** False: parse and list triggers, but schedule nothing (fire() still works). */
  enabled: boolean;
  log?: (line: string) => void;
}

/** The event a timer trigger passes to its function, as CloudBase shapes it. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** The fire time, ISO 8601 without milliseconds. */
  Time: string;
}

interface Scheduled {
  trigger: TimerTriggerConfig;
  nextAt: number | null;
  handle: NodeJS.Timeout | null;
}

/** The longest delay setTimeout accepts. */
const MAX_DELAY = 2 ** 31 - 1;

/** CloudBase writes 7 fields (second … weekday year); cron-parser 5 reads 6, so the year goes. */
export function toSixFieldCron(cron7: string): string {
  const fields = cron7.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`a CloudBase timer needs 7 cron fields, got ${fields.length}: "${cron7}"`);
  return fields.slice(0, 6).join(' ');
}

/** The next fire time of a 7-field cron strictly after `after` (ms). */
export function nextFireTime(cron7: string, after: number): number {
  return CronExpressionParser.parse(toSixFieldCron(cron7), { currentDate: new Date(after) }).next().getTime();
}

/** Runs the timer triggers of one local cloud. */
export class TimerService implements EmulatorService {
  readonly name = 'timers';
  /** POST /v1/admin/timers/:name — fires a trigger now (by trigger or function name). */
  readonly routes: readonly HttpRoute[] = [
    {
      path: /^\/v1\/admin\/timers\/([^/]+)$/,
      handle: async (req, res, url) => {
        expectMethod(req, 'POST');
        await readJson(req); // any body is ignored, but it must be JSON (or empty)
        const name = decodeSegment(url.pathname.slice('/v1/admin/timers/'.length));
        const entry = this.find(name);
        if (!entry) throw new HttpError(404, { errCode: CloudErrors.INVALID_PARAM.errCode, errMsg: `no timer trigger named ${name}` });
        const result = await this.run(entry);
        if (result.ok) sendJson(res, 200, { result: result.result });
        else sendJson(res, statusOf(result.errCode), { errCode: result.errCode, errMsg: result.errMsg });
      },
    },
  ];
  private readonly scheduled = new Map<string, Scheduled>();
  private unsubscribeClock: (() => void) | null = null;
  private running = false;
  private readonly log = this.options.log ?? stderrLog;

  constructor(private readonly options: TimerServiceOptions) {}

  /** Validates every cron (a bad one rejects); scheduling waits for connect(), when every service is wired. */
  async start(): Promise<void> {
    for (const trigger of this.options.triggers) {
      try {
        nextFireTime(trigger.cron, this.now());
      } catch (err) {
        throw new Error(`timer ${trigger.name} of ${trigger.functionName}: ${(err as Error).message}`);
      }
      this.scheduled.set(trigger.name, { trigger, nextAt: null, handle: null });
    }
  }

  /** When enabled, schedules every trigger: from now on they fire on their own. */
  connect(): void {
    this.running = this.options.enabled;
    if (!this.running) return;
    for (const entry of this.scheduled.values()) this.schedule(entry);
    this.unsubscribeClock = this.options.clock?.onAdvance(() => this.onClockAdvanced()) ?? null;
  }

  /** Cancels every pending timer. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribeClock?.();
    this.unsubscribeClock = null;
    for (const entry of this.scheduled.values()) {
      if (entry.handle) clearTimeout(entry.handle);
      entry.handle = null;
      entry.nextAt = null;
    }
  }

  /** The triggers: name, function, cron and next fire time (null when not scheduled). */
  list(): Array<{ name: string; functionName: string; cron: string; nextAt: number | null }> {
    return [...this.scheduled.values()].map((e) => ({ ...e.trigger, nextAt: e.nextAt }));
  }

  /** Whether triggers run on their own, and the trigger list. */
  getInfo(): Record<string, unknown> {
    return { enabled: this.options.enabled, timers: this.list() };
  }

  /**
   * Runs one trigger now. `name` is a trigger name, or a function name (its first trigger).
   * Rejects only for an unknown name; a failing function is an `ok: false` result.
   */
  async fire(name: string): Promise<InvokeResult> {
    const entry = this.find(name);
    if (!entry) throw new Error(`no timer trigger named ${name}`);
    return this.run(entry);
  }

  /** The cloud's time (its clock when given, else real time). */
  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  private find(name: string): Scheduled | undefined {
    return this.scheduled.get(name) ?? [...this.scheduled.values()].find((e) => e.trigger.functionName === name);
  }

  private run(entry: Scheduled): Promise<InvokeResult> {
    const event: TimerEvent = {
      Type: 'Timer',
      TriggerName: entry.trigger.name,
      Time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    return this.options.host.invoke(entry.trigger.functionName, { ...event }, { openid: '', source: 'wx_trigger' });
  }

  private schedule(entry: Scheduled): void {
    if (entry.handle) clearTimeout(entry.handle);
    const now = this.now();
    const nextAt = nextFireTime(entry.trigger.cron, now);
    entry.nextAt = nextAt;
    entry.handle = setTimeout(() => this.onDue(entry), Math.min(Math.max(nextAt - now, 0), MAX_DELAY));
    // Timers alone must not keep a process alive: the server (or the test) decides that.
    entry.handle.unref();
  }

  private onDue(entry: Scheduled): void {
    if (!this.running) return;
    entry.handle = null;
    // A long delay is capped, so the timer may wake early: only fire when the time has come.
    const due = entry.nextAt === null || this.now() >= entry.nextAt;
    this.schedule(entry);
    if (!due) return;
    void this.run(entry).then((res) => {
      if (!res.ok) this.log(`[timers] ${entry.trigger.name}: ${res.errMsg}`);
    });
  }

  private onClockAdvanced(): void {
    if (!this.running) return;
    const now = this.now();
    for (const entry of this.scheduled.values()) {
      if (entry.nextAt !== null && entry.nextAt <= now) this.onDue(entry);
      else this.schedule(entry);
    }
  }
}
