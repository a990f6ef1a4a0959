import { ClientAccess } from '../rules/access';
import { RuleEngine } from '../rules/rules';
import { securityRules } from '../../shared/database';
import { fixtureDatabase } from '../__fixtures__/cloud/database';
import { DocumentStore } from '../store/store';
import { WATCH_MAX_DOCS, WatchService } from './watch';
import type { DocChange, WatchChange, WatchError, WatchInit, WatchSpec } from './watch';
import { eventually } from '../__fixtures__/fixtureCloud';

/** Records what one watch delivers. */
class Recorder {
  readonly messages: Array<WatchInit | WatchChange> = [];
  readonly errors: WatchError[] = [];
  snapshot = (m: WatchInit | WatchChange): void => void this.messages.push(m);
  error = (e: WatchError): void => void this.errors.push(e);
  get changes(): DocChange[] {
    return this.messages.filter((m) => m.type === 'change').flatMap((m) => m.docChanges);
  }
  summary(): string[] {
    return this.changes.map((c) => `${c.queueType}/${c.dataType}/${c.docId}`);
  }
}

describe('watch service', () => {
  let store: DocumentStore;
  let service: WatchService;

  beforeEach(async () => {
    store = await DocumentStore.open({});
    const rules = securityRules(fixtureDatabase);
    service = new WatchService({ store, access: new ClientAccess(rules, new RuleEngine(rules)) });
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
    await store.close();
  });

  const watch = (spec: WatchSpec, auth?: { openid: string }): Recorder => {
    const r = new Recorder();
    service.register(spec, r, auth);
    return r;
  };

  test('init snapshot, then enqueue / update / dequeue with data types and fields', async () => {
    await store.put('notes', 'a', { room: 'r1', n: 1, nested: { x: 1, y: 2 } });
    await store.put('notes', 'other', { room: 'r2', n: 1 });
    const r = watch({ collection: 'notes', query: { room: 'r1' } });
    await eventually(() => r.messages.length === 1, 5000, 'init');
    const init = r.messages[0] as WatchInit;
    expect(init.type).toBe('init');
    expect(init.docs.map((d) => d._id)).toEqual(['a']);
    expect(init.docChanges).toEqual([{ id: init.id, queueType: 'init', dataType: 'init', docId: 'a', doc: init.docs[0] }]);

    await store.put('notes', 'b', { room: 'r1', n: 2 }); // enters: add
    await store.patch('notes', 'a', { $set: { n: 5 }, $unset: { 'nested.y': true } }); // inside: update
    await store.patch('notes', 'other', { $set: { n: 9 } }); // outside the query: nothing
    await store.patch('notes', 'b', { $set: { room: 'r2' } }); // leaves by update
    await store.patch('notes', 'other', { $set: { room: 'r1' } }); // enters by update
    await store.delete('notes', 'a'); // leaves: remove
    await eventually(() => r.changes.length === 5, 5000, 'five changes');
    expect(r.summary()).toEqual([
      'enqueue/add/b',
      'update/update/a',
      'dequeue/update/b',
      'enqueue/update/other',
      'dequeue/remove/a',
    ]);
    const update = r.changes[1];
    expect(update.updatedFields).toEqual({ n: 5 });
    expect(update.removedFields).toEqual(['nested.y']);
    expect(update.doc).toMatchObject({ _id: 'a', n: 5, nested: { x: 1 } });
    // Each committed change is its own snapshot, ids increasing.
    const ids = r.messages.map((m) => m.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(r.errors).toEqual([]);
  });

  test("doc(id).set() over an existing document is dataType 'replace' (whole doc, no fields); an update stays 'update'", async () => {
    // CloudBase: "doc().set() over an existing document is replace" (miniprogram-api-typings DB.DataType); the
    // vendor client then takes `doc` whole (@cloudbase/database realtime/virtual-websocket-client.js).
    await store.put('notes', 'a', { room: 'r1', n: 1, gone: true });
    await store.put('notes', 'b', { room: 'r1', n: 1 });
    const r = watch({ collection: 'notes', query: { room: 'r1' } });
    await eventually(() => r.messages.length === 1, 5000, 'init');
    await store.put('notes', 'a', { room: 'r1', n: 2 }); // set over an existing doc, inside the result
    await store.put('notes', 'a', { room: 'r1', n: 3 }, { merge: true }); // a merge the caller applied
    await store.patch('notes', 'a', { $set: { n: 4 } });
    await store.transact(async (tx) => {
      tx.put('notes', 'b', { room: 'r1', n: 5 });
      await tx.patch('notes', 'b', { $set: { extra: 1 } }); // set then update in one commit: still a set
    });
    await store.put('notes', 'b', { room: 'r2' }); // a set that takes it out of the result
    await store.put('notes', 'c', { room: 'r2' });
    await store.put('notes', 'c', { room: 'r1', n: 6 }); // a set that brings an existing doc in
    await store.transact(async (tx) => {
      tx.delete('notes', 'c');
      tx.put('notes', 'c', { room: 'r1', n: 7 }); // removed and set again in one commit: replaced
    });
    await eventually(() => r.changes.length === 7, 5000, 'seven changes');
    expect(r.summary()).toEqual([
      'update/replace/a',
      'update/update/a',
      'update/update/a',
      'update/replace/b',
      'dequeue/replace/b',
      'enqueue/replace/c',
      'update/replace/c',
    ]);
    const [replaced, merged] = r.changes;
    expect(replaced.doc).toEqual({ _id: 'a', room: 'r1', n: 2 });
    expect(replaced).not.toHaveProperty('updatedFields');
    expect(replaced).not.toHaveProperty('removedFields');
    expect(merged).toMatchObject({ updatedFields: { n: 3 }, removedFields: [] });
    expect(r.changes[4].doc).toEqual({ _id: 'b', room: 'r2' });
    expect(r.errors).toEqual([]);
  });

  test("a client's watch gets the new document of a replace that takes it out only when it may read it", async () => {
    await store.put('own', 'a1', { _openid: 'alice', v: 1 });
    const mine = watch({ collection: 'own', query: { _openid: '{openid}' } }, { openid: 'alice' });
    await eventually(() => mine.messages.length === 1);
    await store.put('own', 'a1', { _openid: 'bob', v: 2 }); // set to someone else: out of alice's result
    await eventually(() => mine.changes.length === 1);
    expect(mine.summary()).toEqual(['dequeue/replace/a1']);
    // Whole (a replace must carry a document), but as alice last could read it.
    expect(mine.changes[0].doc).toEqual({ _id: 'a1', _openid: 'alice', v: 1 });
    expect(mine.errors).toEqual([]);
  });

  test('a doc watch sees only its document; a no-op rewrite delivers nothing', async () => {
    await store.put('notes', 'd1', { v: 1 });
    const r = watch({ collection: 'notes', query: {}, docId: 'd1' });
    await eventually(() => r.messages.length === 1);
    await store.put('notes', 'd2', { v: 1 });
    await store.put('notes', 'd1', { v: 1 });
    await store.put('notes', 'd1', { v: 2 });
    await eventually(() => r.changes.length === 1);
    expect(r.changes[0]).toMatchObject({ queueType: 'update', docId: 'd1', doc: { v: 2 } });
  });

  test('a limited, ordered window reports documents pushed in and out as limit changes', async () => {
    for (const [id, score] of [['p', 10], ['q', 20], ['s', 30]] as const) await store.put('notes', id, { score });
    const r = watch({ collection: 'notes', query: {}, orderBy: [['score', 'desc']], limit: 2 });
    await eventually(() => r.messages.length === 1);
    expect((r.messages[0] as WatchInit).docs.map((d) => d._id)).toEqual(['s', 'q']);
    await store.put('notes', 't', { score: 25 }); // enters, pushes q out
    await eventually(() => r.changes.length === 2);
    expect(r.summary().sort()).toEqual(['dequeue/limit/q', 'enqueue/add/t']);
    await store.delete('notes', 's'); // leaves, pulls q back in
    await eventually(() => r.changes.length === 4);
    expect(r.summary().slice(2).sort()).toEqual(['dequeue/remove/s', 'enqueue/limit/q']);
  });

  test(`more than ${WATCH_MAX_DOCS} documents in the result is an error and closes the watch`, async () => {
    await store.transact(async (tx) => {
      for (let i = 0; i < WATCH_MAX_DOCS; i++) tx.put('notes', `n${i}`, { i });
    });
    const r = watch({ collection: 'notes', query: {} });
    await eventually(() => r.messages.length === 1, 15_000, 'init of 5000');
    expect((r.messages[0] as WatchInit).docs).toHaveLength(WATCH_MAX_DOCS);
    await store.put('notes', 'one-more', { i: -1 });
    await eventually(() => r.errors.length === 1);
    expect(r.errors[0].errMsg).toMatch(/5000/);
    await store.put('notes', 'after-close', { i: -2 });
    await store.delete('notes', 'one-more');
    expect(r.messages).toHaveLength(1);
    expect(service.getInfo()).toEqual({ watches: 0 });
    // Over the cap from the start: the init itself is refused.
    const late = watch({ collection: 'notes', query: {} });
    await eventually(() => late.errors.length === 1, 15_000);
    expect(late.messages).toEqual([]);
  });

  test('read rules: a denied watch errors at once; documents a client may not read end the watch', async () => {
    await store.put('secret', 'k', { v: 1 });
    const denied = watch({ collection: 'secret', query: {} }, { openid: 'alice' });
    await eventually(() => denied.errors.length === 1);
    expect(denied.errors[0]).toEqual({ errCode: -502003, errMsg: 'database permission denied' });
    expect(denied.messages).toEqual([]);
    const unknown = watch({ collection: 'nowhere', query: {} }, { openid: 'alice' });
    await eventually(() => unknown.errors.length === 1);

    // Per-document rule: a query that does not pin _openid to the caller is refused before any
    // read, even while every stored document would pass (CloudBase checks the query, not the data).
    await store.put('own', 'a1', { _openid: 'alice' });
    const everything = watch({ collection: 'own', query: {} }, { openid: 'alice' });
    await eventually(() => everything.errors.length === 1);
    expect(everything.errors[0]).toEqual({ errCode: -502003, errMsg: 'database permission denied' });
    expect(everything.messages).toEqual([]);
    const byId = watch({ collection: 'own', query: {}, docId: 'a1' }, { openid: 'alice' });
    await eventually(() => byId.errors.length === 1);

    // '{openid}' is the caller: alice watches her own documents and sees only hers.
    const mine = watch({ collection: 'own', query: { _openid: '{openid}' } }, { openid: 'alice' });
    await eventually(() => mine.messages.length === 1);
    expect((mine.messages[0] as WatchInit).docs.map((d) => d._id)).toEqual(['a1']);
    await store.put('own', 'a2', { _openid: 'alice' });
    await store.put('own', 'b1', { _openid: 'bob' });
    await eventually(() => mine.changes.length === 1);
    // The per-document check stays: a document the equality matches (an array holding alice) but
    // the rule does not (`doc._openid == auth.openid` is false for an array) ends the watch.
    await store.put('own', 'ab', { _openid: ['alice', 'bob'] });
    await eventually(() => mine.errors.length === 1);
    expect(mine.summary()).toEqual(['enqueue/add/a2']);

    // Without auth (the server itself), rules do not apply.
    const admin = watch({ collection: 'secret', query: {} });
    await eventually(() => admin.messages.length === 1);
    expect(admin.errors).toEqual([]);
  });

  test('a change committed while the initial read runs is neither lost nor doubled', async () => {
    const r = watch({ collection: 'notes', query: {} });
    const writes = Promise.all(Array.from({ length: 20 }, (_, i) => store.put('notes', `c${i}`, { i })));
    await writes;
    await eventually(() => {
      const init = r.messages[0] as WatchInit | undefined;
      return init !== undefined && init.docs.length + r.changes.length === 20;
    });
    const init = r.messages[0] as WatchInit;
    const seen = [...init.docs.map((d) => d._id), ...r.changes.map((c) => c.docId)].sort();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
    expect(r.changes.every((c) => c.queueType === 'enqueue')).toBe(true);
  });
});
