/**
 * The shape every local-cloud service shares (after firebase-tools' emulator registry): the cloud
 * starts its services in order and stops them in reverse, so a later service may rely on an earlier one.
 */
export interface EmulatorService {
  /** A short stable name, used in logs and in GET /v1/admin/info. */
  readonly name: string;
  /** Brings the service up; resolves once it serves. */
  start(): Promise<void>;
  /** Releases everything the service holds (sockets, timers, hooks); safe to call twice. */
  stop(): Promise<void>;
  /** JSON-safe facts about the running service, for the info route. */
  getInfo(): Record<string, unknown>;
}
