/**
 * The registry of one local cloud's services (firebase-tools' EmulatorRegistry, in small): the
 * start order is the order of the list it is given; it starts each service, then connects each
 * (late binding: URLs and peers are looked up here, never captured in closures), and stops them in
 * reverse. A failure while starting stops what had started before rejecting.
 */
import type { EmulatorService, Registry } from './service';

/** Lifecycle and lookup of a cloud's services. */
export class ServiceRegistry implements Registry {
  private readonly started: EmulatorService[] = [];
  private stopping: Promise<void> | null = null;

  constructor(
    /** In start order. */
    private readonly services: readonly EmulatorService[],
    /** The service whose `url` is the cloud's (the HTTP server). */
    private readonly front: { readonly url: string },
    private readonly log: (line: string) => void = () => undefined,
  ) {
    const twice = services.find((s, i) => services.findIndex((t) => t.name === s.name) !== i);
    if (twice) throw new Error(`two services are named ${twice.name}`);
  }

  get url(): string {
    return this.front.url;
  }

  all(): readonly EmulatorService[] {
    return this.services;
  }

  find<T extends EmulatorService>(name: string): T | undefined {
    return this.services.find((s) => s.name === name) as T | undefined;
  }

  get<T extends EmulatorService>(name: string): T {
    const found = this.find<T>(name);
    if (!found) throw new Error(`no service named ${name} in this local cloud`);
    return found;
  }

  functionEnv(): Record<string, string> {
    return Object.assign({}, ...this.services.map((s) => s.functionEnv?.() ?? {})) as Record<string, string>;
  }

  /** Facts about every service, by name (GET /v1/admin/info). */
  info(): Record<string, unknown> {
    return Object.fromEntries(this.services.map((s) => [s.name, s.getInfo()]));
  }

  /** Starts every service in order, then connects every one; on failure stops what started and rejects. */
  async start(): Promise<void> {
    try {
      for (const s of this.services) {
        await s.start?.();
        this.started.push(s);
      }
      for (const s of this.services) await s.connect?.(this);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops the started services in reverse order; safe to call twice. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      for (const s of this.started.reverse()) {
        await s.stop?.().catch((err: unknown) => this.log(`[cloud] stopping ${s.name}: ${String(err)}`));
      }
    })());
  }
}
