import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DocumentStore } from './store';
import { JOURNAL_FILE, readJournal } from './storeJournal';
import { runKilledWriter } from '../__fixtures__/killedWriter';

const tempDirs: string[] = [];
const openStores: DocumentStore[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-journal-'));
  tempDirs.push(dir);
  return dir;
}

async function open(dir: string): Promise<DocumentStore> {
  const store = await DocumentStore.open({ dir });
  openStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((s) => s.close()));
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** One commit writing `n` into three collections, as joinRoom writes member, room and presence. */
async function writeCommit(store: DocumentStore, n: number): Promise<void> {
  await store.transact(async (tx) => {
    tx.put('a', `d${n}`, { n });
    tx.put('b', `d${n}`, { n });
    tx.put('c', 'last', { n });
  });
}

describe('commit journal', () => {
  it('writes one line per commit, however many documents and collections it touches', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await writeCommit(store, 1);
    await writeCommit(store, 2);
    await store.put('a', 'd1', { n: 1 }); // changes nothing: no line
    const commits = readJournal(dir);
    expect(commits.map((c) => c.map((w) => `${w.collection}/${w.id}`))).toEqual([
      ['a/d1', 'b/d1', 'c/last'],
      ['a/d2', 'b/d2', 'c/last'],
    ]);
  });

  it('drops a torn last line on open, keeps every whole commit and empties the journal', async () => {
    const dir = tempDir();
    const first = await DocumentStore.open({ dir });
    await writeCommit(first, 1);
    await writeCommit(first, 2);
    await first.close();
    const file = path.join(dir, JOURNAL_FILE);
    // What a write cut short by a crash leaves: the start of a third commit, without its newline.
    const torn = JSON.stringify([{ collection: 'a', id: 'd3', doc: { _id: 'd3', n: 3 } }, { collection: 'b', id: 'd3', doc: { _id: 'd3', n: 3 } }]);
    fs.appendFileSync(file, torn.slice(0, torn.length - 20));

    const second = await open(dir);
    expect(await second.get('a', 'd2')).toEqual({ _id: 'd2', n: 2 });
    expect(await second.get('b', 'd2')).toEqual({ _id: 'd2', n: 2 });
    expect(await second.get('c', 'last')).toEqual({ _id: 'last', n: 2 });
    expect(await second.get('a', 'd3')).toBeNull();
    expect(fs.statSync(file).size).toBe(0);
    // The commits now live in the collection files, and new commits follow in the journal.
    expect(fs.readFileSync(path.join(dir, 'a.db'), 'utf8')).toContain('"d2"');
    await writeCommit(second, 4);
    await second.close();
    openStores.splice(openStores.indexOf(second), 1);

    const third = await open(dir);
    expect((await third.find('a', {})).map((d) => d.n).sort()).toEqual([1, 2, 4]);
    expect(await third.get('c', 'last')).toEqual({ _id: 'last', n: 4 });
  });

  it('replays a journal again harmlessly when a crash came between compaction and emptying it', async () => {
    const dir = tempDir();
    const first = await DocumentStore.open({ dir });
    await writeCommit(first, 1);
    await first.transact(async (tx) => {
      tx.delete('a', 'd1');
      tx.put('a', 'd2', { n: 2 });
    });
    await first.close();
    const file = path.join(dir, JOURNAL_FILE);
    const journal = fs.readFileSync(file);
    await (await DocumentStore.open({ dir })).close();
    fs.writeFileSync(file, journal); // as if the journal had not been emptied yet
    const store = await open(dir);
    expect(await store.find('a', {})).toEqual([{ _id: 'd2', n: 2 }]);
    expect(await store.get('b', 'd1')).toEqual({ _id: 'd1', n: 1 });
  });

  it('refuses to open a journal damaged in the middle rather than drop acknowledged commits', async () => {
    const dir = tempDir();
    const first = await DocumentStore.open({ dir });
    await writeCommit(first, 1);
    await first.close();
    const file = path.join(dir, JOURNAL_FILE);
    fs.writeFileSync(file, `{"not":"a commit"\n${fs.readFileSync(file, 'utf8')}`);
    await expect(DocumentStore.open({ dir })).rejects.toThrow(/journal is damaged/);
    // The failed open released the directory.
    fs.writeFileSync(file, '');
    await expect(open(dir)).resolves.toBeInstanceOf(DocumentStore);
  });

  it('leaves each commit whole or absent, and every acknowledged one present, when SIGKILLed mid-append', async () => {
    const dir = tempDir();
    // Large commits (three documents of ~100 kB in three collections) make a kill inside the
    // write(2) of a line likely; the check below holds wherever the kill lands.
    const writes = `const pad = 'x'.repeat(100000);
      await store.transact(async (tx) => {
        tx.put('a', 'd' + i, { i, pad });
        tx.put('b', 'd' + i, { i, pad });
        tx.put('c', 'd' + i, { i, pad });
      });`;
    const lastAck = await runKilledWriter(dir, writes, 30);
    expect(lastAck).toBeGreaterThanOrEqual(30);

    const store = await open(dir);
    const ids = async (name: string): Promise<number[]> => (await store.find(name, {})).map((d) => d.i as number).sort((x, y) => x - y);
    const [a, b, c] = [await ids('a'), await ids('b'), await ids('c')];
    // Whole or absent: the three collections hold exactly the same commits...
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // ...which are every commit up to some point, including every acknowledged one.
    expect(a).toEqual(Array.from({ length: a.length }, (_, i) => i));
    expect(a.length).toBeGreaterThan(lastAck);
  });
});
