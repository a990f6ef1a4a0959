/**
 * What the core needs from the outside world. The cloud entry (index.ts) wires in wx-server-sdk and
 * the real clock; tests wire in the real SDK's database on the local cloud (tests/helpers/coreTestkit.ts) and a movable clock.
 */
import type { CallerContext, Clock, Database, Messenger, RandomSource, VoipSigner } from '../../../shared/ports';
import type { JrtcConfig } from '../../../shared/functionConfig';
import type { LargeRooms } from './largeRooms';
import type { SweepGate } from './sweepGate';

/** One issueToken request, as the deployer's policy sees it. */
export interface IssueRequest {
  /** Who asks (the platform vouches for OPENID). */
  caller: CallerContext;
  appId: string;
  userRoomId: string;
  userId: string;
  /** The token's lifetime that will be used. */
  ttlSeconds: number;
  /**
   * The token would make its holder the room's owner (issueToken's `owner`; false when absent):
   * its first joinRoom takes over the room, whoever owned it. Grant it only to those who run the room.
   */
  owner: boolean;
}

/**
 * The deployer's hook for issueToken: who may get a token for which room and userId, and who may
 * own the room (`request.owner`): the default policy lets anyone, fit for a demo only.
 * Resolve true to issue, false to refuse with POLICY_DENIED; throw a ProtocolError to refuse with a
 * more precise code. It may read the database (for example a table of room memberships).
 */
export type IssuePolicy = (request: IssueRequest, deps: { db: Database; config: JrtcConfig }) => Promise<boolean>;

/** Everything the action handlers depend on. */
export interface CoreDeps {
  db: Database;
  clock: Clock;
  config: JrtcConfig;
  random: RandomSource;
  policy: IssuePolicy;
  /** Spaces out the sweeps actions run (one per function instance: it outlives the call). */
  sweepGate: SweepGate;
  /** Rooms too large for heartbeat phase spreading, as this instance last saw them (largeRooms.ts). */
  largeRooms: LargeRooms;
  /** Rings callees whose app is closed (calls/ringing.ts); the cloud entry wires `cloud.openapi`. */
  messenger: Messenger;
  /** Signs VoIP chat joins for `voip` rooms (backends.ts); the cloud entry wires `cloud.getVoIPSign`. */
  voip: VoipSigner;
}

/** The subset the ghost sweep needs (the timer function has no app config). */
export type SweepDeps = Pick<CoreDeps, 'db' | 'clock'>;
