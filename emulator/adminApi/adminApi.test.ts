/**
 * The Admin API with the REAL wx-server-sdk 4.0.2: each scenario runs in a child process whose
 * env comes from wxServerSdkEnv and which preloads tests/fixtures/noNetwork.js, so every
 * connection it makes is checked to go to 127.0.0.1 only.
 */
import http from 'http';
import path from 'path';
import type { LocalCloud } from '../jrtc/localCloud';
import { CollectionCatalog } from '../catalog/catalog';
import { DocumentStore } from '../store/store';
import { AdminApi } from './adminApi';
import { DATE_KEY } from '../database/ejson';
import { wxServerSdkEnv } from './sdkEnv';
import { runSdkChild } from './__fixtures__/sdkChild';
import { eventually, startFixtureCloud } from '../__fixtures__/fixtureCloud';

jest.setTimeout(60_000);


type Attempt = { ok?: any; err?: { errCode: number; errMsg: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Admin API with the real wx-server-sdk (child process)', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startFixtureCloud();
  });
  afterAll(async () => {
    await cloud.stop();
  });

  test('wxServerSdkEnv points the SDK at the admin URL and nowhere else', () => {
    const env = wxServerSdkEnv({ adminUrl: cloud.adminUrl, envId: cloud.envId });
    expect(JSON.parse(env.TCB_CONTEXT_CNFG)).toEqual({ URL: cloud.adminUrl });
    expect(env).toMatchObject({ TENCENTCLOUD_RUNENV: 'SCF', TCB_ENV: cloud.envId, SCF_NAMESPACE: cloud.envId });
    expect(env.TENCENTCLOUD_SECRETID).not.toBe('');
    expect(cloud.adminUrl).toBe(`${cloud.url}/admin`);
  });

  test('documents: add, get, set, update, queries, count, where update/remove, remove, bad input', async () => {
    const before = cloud.clock.now();
    cloud.clock.advance(3_600_000); // serverDate must follow the emulator clock, not the wall clock
    const answer = await runSdkChild(cloud, path.join(__dirname, '__fixtures__', 'sdkScenario.js'), 'crud');
    expect(answer.networkAttempts).toEqual([]);
    const r = (answer.result as { ok: Record<string, Attempt> }).ok;
    expect(r.add.ok).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' });
    expect(r.addWithId.ok).toEqual({ _id: 'fixed', errMsg: 'collection.add:ok' });
    expect(r.addDuplicate.err?.errCode).toBe(-502001);
    expect(r.addDuplicate.err?.errMsg).toMatch(/^collection\.add:fail -502001 .*duplicate key/);
    expect(r.getMissing.ok).toEqual({ data: null, errMsg: 'document.get:ok' });
    expect(r.getFixed.ok).toEqual({ data: { _id: 'fixed', n: 2, s: 'b' }, errMsg: 'document.get:ok' });
    expect(r.getAdded.ok.data).toEqual({
      _id: r.add.ok._id,
      n: 1,
      s: 'a',
      tags: ['x', 'y'],
      nested: { deep: { v: 1.5 } },
      when: { date: 1700000000000 }, // a Date again in the child
    });
    expect(r.setNew.ok).toEqual({ _id: 'setme', errMsg: 'document.set:ok', stats: { updated: 0, created: 1 } });
    expect(r.setExisting.ok).toEqual({ _id: 'setme', errMsg: 'document.set:ok', stats: { updated: 1, created: 0 } });
    expect(r.update.ok).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    const updated = r.getUpdated.ok.data as Record<string, unknown> & { at: { date: number } };
    expect(updated).toEqual({ _id: 'setme', n: 14, s: 'c', nested: { a: 1, b: 3 }, at: { date: expect.any(Number) } });
    expect(updated.at.date).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(r.updateMissing.ok).toEqual({ stats: { updated: 0 }, errMsg: 'document.update:ok' });
    // n: fixed 2, added 1, setme 14; desc, skip 1, limit 2 → fixed, added; only n and s (and _id).
    expect(r.query.ok.data).toEqual([
      { _id: 'fixed', n: 2, s: 'b' },
      { _id: r.add.ok._id, n: 1, s: 'a' },
    ]);
    expect(r.queryIn.ok.data.map((d: { _id: string }) => d._id)).toEqual([r.add.ok._id, 'fixed']);
    expect(r.queryOr.ok.data.map((d: { _id: string }) => d._id)).toEqual([r.add.ok._id, 'setme']);
    expect(r.queryDate.ok.data.map((d: { _id: string }) => d._id)).toEqual([r.add.ok._id]);
    expect(r.queryExists.ok).toEqual({ total: 1, errMsg: 'collection.count:ok' });
    expect(r.queryAll.ok.data).toHaveLength(3);
    expect(r.count.ok).toEqual({ total: 2, errMsg: 'collection.count:ok' });
    expect(r.whereUpdate.ok).toEqual({ stats: { updated: 2 }, errMsg: 'collection.update:ok' });
    expect(r.countSmall.ok.total).toBe(2);
    expect(r.whereRemove.ok).toEqual({ stats: { removed: 2 }, errMsg: 'collection.remove:ok' });
    expect(r.docRemove.ok).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
    expect(r.docRemoveMissing.ok).toEqual({ stats: { removed: 0 }, errMsg: 'document.remove:ok' });
    expect(r.countLeft.ok.total).toBe(0);
    expect(r.badCollection.err?.errCode).toBe(-501007);
    expect(r.badCollection.err?.errMsg).toMatch(/^collection\.add:fail -501007 .*invalid collection name/);
    expect(r.badOperator.err?.errCode).toBe(-502001);
    expect(r.badOperator.err?.errMsg).toMatch(/\$push is not supported/);
    // What the store holds: every document removed, the refused writes wrote nothing.
    expect(await cloud.store.find('items', {})).toEqual([]);
  });

  test('transactions: commit, a throwing callback aborts (nothing written), a conflict fails at the write and the SDK does not retry it', async () => {
    const answer = await runSdkChild(cloud, path.join(__dirname, '__fixtures__', 'sdkScenario.js'), 'transactions');
    expect(answer.networkAttempts).toEqual([]);
    const r = (answer.result as { ok: Record<string, Attempt | number> }).ok as Record<string, Attempt> & { runs: number };
    expect(r.commit.ok).toEqual({
      alice: { data: { _id: 'alice', balance: 100 }, errMsg: 'document.get:ok' },
      ghost: { data: null, errMsg: 'document.get:ok' },
      seen: { data: { _id: 'alice', balance: 70 }, errMsg: 'document.get:ok' },
      // wx-server-sdk reads created from upsertedId, which a transaction's set does not return.
      set: { _id: 'carol', errMsg: 'document.set:ok', stats: { updated: 0, created: 0 } },
      added: { _id: 'dave', errMsg: 'collection.add:ok' },
      removed: { stats: { removed: 1 }, errMsg: 'document.remove:ok' },
    });
    expect(r.abort.err?.errMsg).toBeUndefined();
    expect((r.abort.err as { message?: string } | undefined)?.message).toBe('insufficient funds');
    expect(r.conflict.err?.errCode).toBe(-501001);
    expect(r.conflict.err?.errMsg).toMatch(/^document\.update:fail -501001 resource system error\. write conflict/);
    expect(r.runs).toBe(1);
    expect(await cloud.store.find('accounts', {}, { sort: { _id: 1 } })).toEqual([
      { _id: 'alice', balance: 70 },
      { _id: 'bob', balance: 31 },
      { _id: 'carol', balance: 5 },
    ]);
    expect(await cloud.store.get('accounts', 'erin')).toBeNull(); // the aborted transaction's set
  });

  test("a watch sees the SDK's doc(id).set() over an existing document as 'replace' and update() as 'update', also in transactions", async () => {
    const changes: Array<{ queueType: string; dataType: string; doc: unknown; updatedFields?: unknown }> = [];
    let ready = false;
    const handle = cloud.watch.register({ collection: 'replaced', query: {} }, {
      snapshot: (m) => {
        if (m.type === 'init') ready = true;
        else changes.push(...m.docChanges);
      },
      error: (e) => {
        throw new Error(e.errMsg);
      },
    });
    try {
      await eventually(() => ready);
      const answer = await runSdkChild(cloud, path.join(__dirname, '__fixtures__', 'sdkScenario.js'), 'replace');
      expect(answer.networkAttempts).toEqual([]);
      const r = (answer.result as { ok: Record<string, Attempt> }).ok;
      for (const step of ['create', 'set', 'update', 'txSet', 'txUpdate']) expect(r[step].err).toBeUndefined();
      await eventually(() => changes.length === 5);
      expect(changes.map((c) => `${c.queueType}/${c.dataType}`)).toEqual([
        'enqueue/add',
        'update/replace',
        'update/update',
        'update/replace',
        'update/update',
      ]);
      expect(changes[1].doc).toEqual({ _id: 'p', n: 2 });
      expect(changes[1].updatedFields).toBeUndefined();
      expect(changes[2].updatedFields).toEqual({ n: 3 });
      expect(changes[3].doc).toEqual({ _id: 'p', n: 4, again: true });
      expect(changes[4].updatedFields).toEqual({ n: 5 });
    } finally {
      handle.close();
    }
  });

  test('null conditions through the real SDK: where({f: null}) and eq(null) match missing fields, neq(null) the rest', async () => {
    const answer = await runSdkChild(cloud, path.join(__dirname, '__fixtures__', 'sdkScenario.js'), 'nulls');
    expect(answer.networkAttempts).toEqual([]);
    const r = (answer.result as { ok: Record<string, Attempt> }).ok;
    expect(r.isNull.ok).toEqual(['missing', 'null']);
    expect(r.eqNull.ok).toEqual(['missing', 'null']);
    expect(r.neqNull.ok).toEqual(['one']);
    expect(r.inNull.ok).toEqual(['missing', 'null']);
    expect(r.countNull.ok).toEqual({ total: 2, errMsg: 'collection.count:ok' });
    expect(r.updateNull.ok).toEqual({ stats: { updated: 2 }, errMsg: 'collection.update:ok' });
    expect(r.seen.ok).toEqual(['missing', 'null']);
    expect(r.removeNeq.ok).toEqual({ stats: { removed: 1 }, errMsg: 'collection.remove:ok' });
    expect(r.left.ok).toEqual(['missing', 'null']);
  });

  test('a collection nobody created answers -502005 on every call; db.createCollection creates it once', async () => {
    const answer = await runSdkChild(cloud, path.join(__dirname, '__fixtures__', 'sdkScenario.js'), 'collections');
    expect(answer.networkAttempts).toEqual([]);
    const r = (answer.result as { ok: Record<string, Attempt> }).ok;
    for (const op of ['get', 'count', 'whereUpdate', 'docGet', 'docSet', 'docUpdate', 'add', 'remove', 'inTransaction']) {
      expect({ op, errCode: r[op].err?.errCode }).toEqual({ op, errCode: -502005 });
    }
    expect(r.get.err?.errMsg).toMatch(/^collection\.get:fail -502005 database collection not exists\. \[ResourceNotFound\] Db or Table not exist/);
    expect(r.add.err?.errMsg).toMatch(/^collection\.add:fail -502005 /);
    expect(await cloud.store.count('never_created', {})).toBe(0);
    expect(cloud.catalog.has('never_created')).toBe(false);
    expect(r.create.ok).toEqual({ errMsg: 'createCollection:ok', requestId: expect.any(String) });
    // An existing collection is refused (CloudBase's HTTP API: 409 集合已存在). wx-server-sdk's
    // createCollection rethrows any refusal as errCode -1 with the reply's message (returnAsFinalCloudSDKError).
    expect(r.createAgain.err).toMatchObject({ errCode: -1, errMsg: 'createCollection:fail collection made_here already exists' });
    expect(r.createBad.err).toMatchObject({ errCode: -1, errMsg: expect.stringMatching(/^createCollection:fail invalid collection name "_underscore"/) });
    expect(cloud.catalog.has('_underscore')).toBe(false);
    expect(r.addAfter.ok).toEqual({ _id: 'one', errMsg: 'collection.add:ok' });
    expect(r.getAfter.ok).toEqual({ data: { _id: 'one', n: 1 }, errMsg: 'document.get:ok' });
  });
});

describe('Admin API over raw HTTP', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startFixtureCloud();
    await cloud.store.put('things', 'one', { n: 1 });
  });
  afterAll(async () => {
    await cloud.stop();
  });

  function post(body: string, headers: Record<string, string> = { authorization: 'TC3-HMAC-SHA256 Credential=x/y, Signature=z' }): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = http.request(cloud.adminUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const modify = (extra: Record<string, unknown>): string =>
    JSON.stringify({ action: 'database.modifyDocument', collectionName: 'things', queryType: 'DOC', query: '{"_id":"one"}', data: '{"$set":{"n":{"$numberInt":"2"}}}', ...extra });

  test.each([
    ['malformed JSON', '{"action": ', 'INVALID_PARAM'],
    ['no action', '{"envName":"x"}', 'INVALID_PARAM'],
    ['unknown action', JSON.stringify({ action: 'database.dropEverything' }), 'INVALID_ACTION'],
    ['another env', modify({ envName: 'someone-else' }), 'INVALID_ENV'],
    ['a field of the wrong type', modify({ multi: 'yes' }), 'INVALID_PARAM'],
    ['data that is not EJSON', modify({ data: '{nope' }), 'INVALID_PARAM'],
    ['an unsupported operator', modify({ data: '{"$rename":{"n":"m"}}' }), 'DATABASE_REQUEST_FAILED'],
    ['a DOC query without _id', modify({ query: '{"n":1}' }), 'INVALID_PARAM'],
    ['an unknown transaction', modify({ transactionId: 'nope' }), 'DATABASE_TRANSACTION_FAIL'],
    ['an unsupported EJSON type', modify({ data: '{"$set":{"n":{"$oid":"0123"}}}' }), 'INVALID_PARAM'],
  ])('%s → a typed failure, store unchanged', async (_name, body, code) => {
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code, message: expect.any(String), requestId: expect.any(String) });
    expect(await cloud.store.get('things', 'one')).toEqual({ _id: 'one', n: 1 });
  });

  test('a request without a TC3 Authorization header is refused, store unchanged', async () => {
    const res = await post(modify({}), {});
    expect(res.body).toMatchObject({ code: 'SIGN_PARAM_INVALID' });
    expect(await cloud.store.get('things', 'one')).toEqual({ _id: 'one', n: 1 });
  });

  test('the same request, well formed, does change the store (the failures above are not vacuous)', async () => {
    const res = await post(modify({}));
    expect(res.body).toEqual({ data: { updated: 1 }, requestId: expect.any(String) });
    expect(await cloud.store.get('things', 'one')).toEqual({ _id: 'one', n: 2 });
    await cloud.store.put('things', 'one', { n: 1 });
  });
});

describe('Admin API transactions (unit)', () => {
  test('stricter reading: two operations of one transaction in flight at once are refused (-502001); one after another they pass', async () => {
    const store = await DocumentStore.open({});
    // A round trip of 20 ms keeps each request of the transaction in flight long enough to overlap.
    const catalog = CollectionCatalog.open();
    catalog.create('c', 0);
    const api = new AdminApi({ store, catalog, envId: 'local', now: () => 1000, latencyMs: 20 });
    const call = async (body: Record<string, unknown>): Promise<Record<string, unknown>> =>
      (await api.handle({ method: 'POST', headers: { authorization: 'TC3-HMAC-SHA256 Credential=a' }, body: JSON.stringify(body) })).body;
    const get = (transactionId: unknown, id: string) =>
      call({ action: 'database.getDocument', collectionName: 'c', queryType: 'DOC', query: JSON.stringify({ _id: id }), multi: false, limit: 1, transactionId });
    const { transactionId } = await call({ action: 'database.startTransaction' });
    const [a, b] = await Promise.all([get(transactionId, 'x'), get(transactionId, 'y')]);
    expect([a.code ?? 'ok', b.code ?? 'ok'].sort()).toEqual(['DATABASE_REQUEST_FAILED', 'ok']);
    expect(String(a.message ?? b.message)).toMatch(/another was in flight/);
    expect(await get(transactionId, 'x')).toMatchObject({ data: { list: [] } });
    expect(await get(transactionId, 'y')).toMatchObject({ data: { list: [] } });
    expect(await call({ action: 'database.commitTransaction', transactionId })).toEqual({ requestId: expect.any(String) });
    await api.stop();
    await store.close();
  });

  test('a transaction never committed is aborted by its timeout and its writes are dropped', async () => {
    const store = await DocumentStore.open({});
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const catalog = CollectionCatalog.open();
    catalog.create('c', 0);
    const api = new AdminApi({
      store,
      catalog,
      envId: 'local',
      now: () => 1000,
      txTimeoutMs: 5000,
      schedule: (fn, ms) => {
        timers.push({ fn, ms });
        return () => undefined;
      },
    });
    const call = async (body: Record<string, unknown>): Promise<Record<string, unknown>> =>
      (await api.handle({ method: 'POST', headers: { authorization: 'TC3-HMAC-SHA256 Credential=a' }, body: JSON.stringify(body) })).body;
    const { transactionId } = await call({ action: 'database.startTransaction' });
    expect(await call({ action: 'database.modifyDocument', collectionName: 'c', queryType: 'DOC', query: '{"_id":"x"}', data: '{"at":{"$tcb_server_date":{"offset":{"$numberInt":"5"}}}}', merge: false, upsert: true, transactionId })).toMatchObject({ data: { updated: 0, upsert_id: 'x' } });
    expect(timers).toHaveLength(1);
    expect(timers[0].ms).toBe(5000);
    timers[0].fn();
    expect(await call({ action: 'database.commitTransaction', transactionId })).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    expect(await store.get('c', 'x')).toBeNull();
    // The same write committed in time lands, with serverDate from `now` (+ offset).
    const second = await call({ action: 'database.startTransaction' });
    await call({ action: 'database.modifyDocument', collectionName: 'c', queryType: 'DOC', query: '{"_id":"x"}', data: '{"at":{"$tcb_server_date":{"offset":{"$numberInt":"5"}}}}', merge: false, upsert: true, transactionId: second.transactionId });
    expect(await call({ action: 'database.commitTransaction', transactionId: second.transactionId })).toEqual({ requestId: expect.any(String) });
    expect(await store.get('c', 'x')).toEqual({ _id: 'x', at: { [DATE_KEY]: 1005 } });
    await api.stop();
    await store.close();
  });
});
