/**
 * The port contract: the Database port (shared/ports.ts) used the way the core uses
 * it, through the real wx-server-sdk on the local cloud, configured as in a function
 * (platformDatabase(), in a child process) and as in the core's unit tests (sdkDatabase.ts, in
 * process). The same answers from both, and each of CloudBase's lock rules (小程序云开发 guide,
 * 数据库事务; emulator/adminApi/PROTOCOL.md) named as the real SDK surfaces it.
 */
import * as esbuild from 'esbuild';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Database } from '../shared/ports';
import { startLocalCloud, type LocalCloud } from '../emulator/jrtc/localCloud';
import { runSdkChild } from '../emulator/adminApi/__fixtures__/sdkChild';
import { openSdkDatabase } from '../emulator/adminApi/sdkDatabase';
import { DocumentStore } from '../emulator/store/store';
import { LOCAL_MANAGER_CREDENTIALS } from '../emulator/manager/managerApi';
import { provisionDatabase } from '../shared/provision/database';
import { portCollections, runPortScenario } from './fixtures/port/portScenario';

jest.setTimeout(60_000);

const repoRoot = path.resolve(__dirname, '..');

describe('port contract: platformDatabase() in a function answers as the unit tests\' in-process SDK database does', () => {
  let cloud: LocalCloud;
  let real: Record<string, unknown>;
  let local: Record<string, unknown>;
  beforeAll(async () => {
    cloud = await startLocalCloud({ timers: false, log: () => undefined });
    // Both sides provision the scenario's collections through the same code as the deploy.
    await provisionDatabase({ envId: cloud.envId, ...cloud.managerCredentials, baseUrl: cloud.managerUrl }, portCollections('port_'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-port-'));
    const store = await DocumentStore.open({});
    try {
      const outfile = path.join(dir, 'portChild.js');
      esbuild.buildSync({
        entryPoints: [path.join(__dirname, 'fixtures', 'port', 'portChild.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        external: ['wx-server-sdk'],
        outfile,
        logLevel: 'silent',
      });
      const answer = await runSdkChild(cloud, outfile, 'port_', { NODE_PATH: path.join(repoRoot, 'node_modules') });
      if (answer.error) throw new Error(answer.error);
      expect(answer.networkAttempts).toEqual([]);
      real = answer.result as Record<string, unknown>;
      const inProcess = await openSdkDatabase(store, { throwOnNotFound: false });
      await provisionDatabase({ envId: inProcess.envId, ...LOCAL_MANAGER_CREDENTIALS, baseUrl: inProcess.managerUrl }, portCollections('port_'));
      try {
        local = await runPortScenario(inProcess.db as unknown as Database, 'port_');
      } finally {
        await inProcess.close();
      }
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await cloud.stop();
  });

  test('every answer of the scenario is the same', () => {
    expect(real).toEqual(local);
    expect(real.txThrowRethrowsSameError).toBe(true);
    expect(real.getMissing).toEqual({ ok: { data: null } });
    expect(real.updateMissing).toEqual({ ok: { stats: { updated: 0 } } });
  });

  test('lock model (小程序云开发 guide, 数据库事务): first writer wins at the write; the loser sees -501001 without a code and the SDK does not retry it', () => {
    expect(real.lockFirstWriterWins).toEqual({ loser: { errCode: -501001, code: null }, loserRuns: 1, winner: 'committed', n: 1 });
  });

  test('lock model: a plain write of a locked document waits for the commit, then applies over it', () => {
    expect(real.lockPlainWriteWaits).toEqual({ order: ['released', 'commit', 'plain write done'], n: 105 });
  });

  test('lock model: snapshot read (the state at the transaction\'s start) and writing a document changed since conflicts', () => {
    expect(real.lockSnapshotRead).toEqual({ seen: 0, write: { errCode: -501001, code: null } });
    expect(real.lockSnapshotAfter).toBe(7);
  });

  test('lock model: a document only read is no conflict', () => {
    expect(real.lockReadOnlyNoConflict).toBe('resolved');
    expect(real.lockReadOnlyAfter).toEqual({ dave: 1, alice: 106 });
  });

  test('divergence: the real SDK\'s conflict (errCode -501001, no code) is retried by transact(), not answered INTERNAL', () => {
    expect(real.lockTransactRetries).toEqual({ retried: true, n: 2 });
  });

  test('divergence: a refused call rejects with errCode -502001 / -501007 as wx-server-sdk\'s errors do (DatabaseError had no errCode)', () => {
    expect(real.addTaken).toEqual({ rejected: -502001 });
    expect(real.addBadCollection).toEqual({ rejected: -501007 });
    expect(local.addTaken).toEqual(real.addTaken);
    expect(local.addBadCollection).toEqual(real.addBadCollection);
  });

  test('divergence: set inside a transaction reports created: 0 (wx-server-sdk reads upsertedId, absent in transactions), in functions and in unit tests alike', () => {
    const setOf = (r: Record<string, unknown>): unknown => (r.txCommit as { ok: { setD: unknown } }).ok.setD;
    expect(setOf(real)).toEqual({ _id: 'room-d', stats: { updated: 0, created: 0 } });
    expect(setOf(local)).toEqual(setOf(real));
  });
});

