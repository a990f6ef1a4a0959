/**
 * Test setup for the core: an in-memory store of the local cloud, reached through the real
 * wx-server-sdk over a loopback Admin API (emulator/adminApi/sdkDatabase.ts), a clock the test
 * moves, the real router. Used by the core's unit tests (cloudfunctions/jrtc/src/*.test.ts) and the fuzz.
 */
import { Collections } from '../../shared';
import type { ActionName, ActionRequest, ActionResponse, Reply } from '../../shared';
import { computeOwnerProof } from '../../shared/ownerProof';
import { computeToken } from '../../shared/token';
import { openSdkDatabase } from '../../emulator/adminApi/sdkDatabase';
import { LOCAL_MANAGER_CREDENTIALS } from '../../emulator/manager/managerApi';
import { provisionDatabase } from '../../shared/provision/database';
import { databaseDefinition, storeIndexes, type DatabaseDefinition } from '../../shared/database';
import { DocumentStore } from '../../emulator/store/store';
import type { StoredDoc } from '../../emulator/store/store';
import { loadConfig } from '../../shared/functionConfig';
import type { JrtcConfig } from '../../shared/functionConfig';
import { LargeRooms } from '../../cloudfunctions/jrtc/src/largeRooms';
import { SweepGate } from '../../cloudfunctions/jrtc/src/sweepGate';
import type { CoreDeps } from '../../cloudfunctions/jrtc/src/deps';
import { policy as defaultPolicy } from '../../cloudfunctions/jrtc/src/defaultPolicy';
import type { IssuePolicy } from '../../cloudfunctions/jrtc/src/deps';
import type { CallerContext, Database, Messenger, VoipSigner } from '../../shared/ports';
import { cryptoRandom } from '../../cloudfunctions/jrtc/src/random';
import { handle } from '../../cloudfunctions/jrtc/src/router';

/** The app every test cloud knows. */
export const APP_ID = 'app-1';
/** Its key. */
export const APP_KEY = 'secret-key-1';
/** The start of every test clock (a fixed instant, so no test depends on the wall clock). */
export const T0 = Date.UTC(2030, 0, 1);

/** The environment of a test cloud; tests override single variables. */
export const testEnv: Record<string, string> = {
  JRTC_APPS: JSON.stringify({ [APP_ID]: APP_KEY, 'app-2': 'secret-key-2' }),
  JRTC_PUSH_DOMAINS: 'push.example.com,push2.example.com',
  JRTC_PULL_DOMAINS: 'play.example.com,play2.example.com',
  JRTC_PUSH_KEY: 'push-key',
  JRTC_PULL_KEY: 'pull-key',
  // The tests name their users (alice, bob); JRTC_USER_IDS=caller, the shipped default, has its own tests.
  JRTC_USER_IDS: 'any',
};

/** The core testkit has no openapi: a test that rings by message wires `deps.messenger` to one. */
/** Nor VoIP signing: `voip` rooms are tested on the local cloud, where the real wx-server-sdk signs. */
const unwiredVoip: VoipSigner = { sign: () => Promise.reject(new Error('this test cloud signs no VoIP joins')) };
const unwiredMessenger: Messenger = {
  sendSubscribeMessage: () => Promise.reject(new Error('this test cloud sends no subscription messages: wire deps.messenger')),
};

/** A clock the test moves by hand. */
export interface TestClock {
  t: number;
  now(): number;
  advance(ms: number): void;
}

/** One core over a fresh in-memory store. */
export interface TestCloud {
  store: DocumentStore;
  db: Database;
  clock: TestClock;
  config: JrtcConfig;
  deps: CoreDeps;
  /** Calls the router as `openid` with a raw event (anything, for malformed-input tests). */
  raw(openid: string, event: unknown): Promise<Reply<unknown>>;
  /** Calls one action as `openid`. */
  call<A extends ActionName>(openid: string, action: A, payload: ActionRequest<A>): Promise<Reply<ActionResponse<A>>>;
  /** Calls one action and returns its data, failing the test on an error reply. */
  ok<A extends ActionName>(openid: string, action: A, payload: ActionRequest<A>): Promise<ActionResponse<A>>;
  /** Every document of every jrtc collection, sorted by id (for before/after comparisons). */
  snapshot(): Promise<Record<string, StoredDoc[]>>;
  /** The stored user record (jrtc_users) of `userId` in the test app, or null. */
  userRecord(userId: string): Promise<StoredDoc | null>;
  /**
   * Provisions more collections (a deployer's own, such as a policy's), as `npm run deploy` would
   * once they are added to the definition: through shared/provision/database.ts and manager-node.
   */
  provision(extra: DatabaseDefinition): Promise<void>;
  close(): Promise<void>;
}

/** A caller context from a mini program user. */
export function callerOf(openid: string): CallerContext {
  return { OPENID: openid, APPID: 'wx-test-app', ENV: 'test-env', SOURCE: 'wx_client' };
}

/**
 * Starts a test cloud with `testEnv` plus `env` overrides (a variable set to undefined is removed),
 * and the issue policy `policy` (the function's default unless given).
 */
export async function createTestCloud(env: Record<string, string | undefined> = {}, policy: IssuePolicy = defaultPolicy): Promise<TestCloud> {
  const loaded = loadConfig({ ...testEnv, ...env });
  if (!loaded.ok) throw loaded.error;
  const store = await DocumentStore.open({ indexes: storeIndexes(databaseDefinition) });
  const clock: TestClock = {
    t: T0,
    now: () => clock.t,
    advance: (ms: number) => {
      clock.t += ms;
    },
  };
  const sdk = await openSdkDatabase(store, { now: clock.now, throwOnNotFound: false });
  // Collections must exist (CloudBase answers -502005 otherwise): provisioned as a real env is,
  // by the deploy's own code through the real @cloudbase/manager-node.
  const provision = async (definition: DatabaseDefinition): Promise<void> => {
    await provisionDatabase({ envId: sdk.envId, ...LOCAL_MANAGER_CREDENTIALS, baseUrl: sdk.managerUrl }, definition);
  };
  await provision(databaseDefinition);
  // The vendor's Database is structurally wider than the port, as in platformDatabase.ts.
  const db = sdk.db as unknown as Database;
  const deps: CoreDeps = { db, clock, config: loaded.config, random: cryptoRandom, policy, sweepGate: new SweepGate(), largeRooms: new LargeRooms(), messenger: unwiredMessenger, voip: unwiredVoip };
  const raw = (openid: string, event: unknown) => handle(event, callerOf(openid), deps);
  const call = <A extends ActionName>(openid: string, action: A, payload: ActionRequest<A>) =>
    raw(openid, { ...payload, action }) as Promise<Reply<ActionResponse<A>>>;
  return {
    store,
    db,
    clock,
    config: loaded.config,
    deps,
    raw,
    call,
    provision,
    async ok(openid, action, payload) {
      const reply = await call(openid, action, payload);
      if (!reply.ok) throw new Error(`${action} failed: ${reply.error.code} ${reply.error.message}`);
      return reply.data;
    },
    async snapshot() {
      const out: Record<string, StoredDoc[]> = {};
      for (const name of Object.values(Collections)) {
        const docs = await store.find(name, {});
        out[name] = docs.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
      }
      return out;
    },
    async userRecord(userId) {
      return (await store.find(Collections.users, { _id: `${APP_ID}:${userId}` }))[0] ?? null;
    },
    async close() {
      await sdk.close();
      await store.close();
    },
  };
}

/** The joinRoom fields of a valid token (expiring `ttlMs` after `now`). */
export function tokenFields(
  now: number,
  userRoomId: string,
  userId: string,
  options: { appId?: string; appKey?: string; ttlMs?: number; nonce?: string } = {},
): { appId: string; userRoomId: string; userId: string; token: string; nonce: string; timestamp: number } {
  const appId = options.appId ?? APP_ID;
  const nonce = options.nonce ?? `AK-${userRoomId}-${userId}-${Math.random().toString(16).slice(2)}`;
  const timestamp = now + (options.ttlMs ?? 3_600_000);
  const token = computeToken({ appId, appKey: options.appKey ?? APP_KEY, roomId: userRoomId, userId, timestamp, nonce });
  return { appId, userRoomId, userId, token, nonce, timestamp };
}

/** The owner proof an app server would hand out beside these token fields (shared/ownerProof.ts). */
export function ownerProofFor(
  fields: { appId: string; userRoomId: string; userId: string; nonce: string; timestamp: number },
  appKey: string = APP_KEY,
): string {
  const { appId, userRoomId, userId, nonce, timestamp } = fields;
  return computeOwnerProof({ appId, appKey, roomId: userRoomId, userId, nonce, timestamp });
}

/** A joinRoom payload with a fresh valid token. */
export function joinPayload(
  cloud: TestCloud,
  userRoomId: string,
  userId: string,
  role: 1 | 2,
  extra: Partial<ActionRequest<'joinRoom'>> = {},
): ActionRequest<'joinRoom'> {
  return { ...tokenFields(cloud.clock.now(), userRoomId, userId), role, ...extra };
}

/** Joins `userId` as `openid` and returns the session fields later calls need plus the reply. */
export async function joinAs(
  cloud: TestCloud,
  openid: string,
  userRoomId: string,
  userId: string,
  role: 1 | 2,
): Promise<{ session: { appId: string; userRoomId: string; userId: string; sessionId: string }; reply: ActionResponse<'joinRoom'> }> {
  const reply = await cloud.ok(openid, 'joinRoom', joinPayload(cloud, userRoomId, userId, role));
  return { session: { appId: APP_ID, userRoomId, userId, sessionId: reply.sessionId }, reply };
}

/** The error code of a reply (undefined when it succeeded). */
export function codeOf(reply: Reply<unknown>): string | undefined {
  return reply.ok ? undefined : reply.error.code;
}

/** The one room document of a test cloud; throws (failing the test) unless there is exactly one. */
export async function onlyRoomDoc(cloud: TestCloud): Promise<StoredDoc> {
  const rooms = (await cloud.snapshot())[Collections.rooms];
  if (rooms.length !== 1) throw new Error(`expected one room document, found ${rooms.length}`);
  return rooms[0];
}

/** The first room's counts as stored, and the same counted from the member documents: they must agree. */
export async function roomCounts(cloud: TestCloud): Promise<{ stored: [number, number]; actual: [number, number] }> {
  const snap = await cloud.snapshot();
  const room = snap[Collections.rooms][0];
  const members = snap[Collections.members];
  return {
    stored: [room.broadcasterCount as number, room.audienceCount as number],
    actual: [members.filter((m) => m.role === 1).length, members.filter((m) => m.role === 2).length],
  };
}

/** listenCalls for `userId` as `openid`, with a token that binds the userId (so any test name works). */
export async function listenAs(cloud: TestCloud, openid: string, userId: string): Promise<ActionResponse<'listenCalls'>> {
  const { token, nonce, timestamp, userRoomId } = tokenFields(cloud.clock.now(), 'inbox', userId);
  return cloud.ok(openid, 'listenCalls', { appId: APP_ID, userId, token: { token, nonce, timestamp, userRoomId } });
}
