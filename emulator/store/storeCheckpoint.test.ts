/**
 * Checkpoints: the commit journal is folded into the collection files once it reaches the store's
 * `journalLimitBytes`, so it stays bounded however long the local cloud runs, and nothing is lost
 * on the way (commits made during a checkpoint wait for it; a failed checkpoint keeps the journal).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DocumentStore } from './store';
import { JOURNAL_FILE } from './storeJournal';

const dirs: string[] = [];
const stores: DocumentStore[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-ckpt-'));
  dirs.push(dir);
  return dir;
}

async function open(dir: string, journalLimitBytes?: number): Promise<DocumentStore> {
  const store = await DocumentStore.open({ dir, journalLimitBytes, indexes: { notes: [['room']] } });
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const journalBytes = (dir: string): number => fs.statSync(path.join(dir, JOURNAL_FILE)).size;
const note = (i: number) => ({ room: `r${i % 3}`, text: `note ${i} `.repeat(10) });

/** Resolves once the background checkpoint the last commit started has finished. */
const settled = (store: DocumentStore) => store.checkpoint();

describe('journal checkpoints', () => {
  test('the journal stays bounded and the collection files alone hold every commit', async () => {
    const dir = tempDir();
    const limit = 4096;
    const store = await open(dir, limit);
    let maxJournal = 0;
    for (let i = 0; i < 300; i++) {
      await store.put('notes', `n${i}`, note(i));
      if (i % 7 === 0) await store.delete('notes', `n${i - 7}`);
      await store.patch('notes', `n${i}`, { $set: { seen: i } });
      maxJournal = Math.max(maxJournal, journalBytes(dir));
    }
    await settled(store);
    expect(store.checkpoints).toBeGreaterThan(5);
    // A checkpoint starts at the limit, behind at most the commits already queued (one here).
    expect(maxJournal).toBeLessThan(limit + 1024);
    const expected = await store.find('notes', {});
    await store.close();

    // Without the journal, the files alone have everything (the last checkpoint emptied it).
    expect(journalBytes(dir)).toBe(0);
    fs.rmSync(path.join(dir, JOURNAL_FILE));
    const reopened = await open(dir);
    const sortById = (docs: Array<{ _id: string }>) => [...docs].sort((a, b) => a._id.localeCompare(b._id));
    expect(sortById(await reopened.find('notes', {}))).toEqual(sortById(expected));
    expect(expected).toHaveLength(300 - 42);
    expect(await reopened.find('notes', { room: 'r1', seen: 298 })).toHaveLength(1);
  });

  test('commits made while a checkpoint runs wait for it and are kept', async () => {
    const dir = tempDir();
    const store = await open(dir, 1_000_000);
    for (let i = 0; i < 50; i++) await store.put('notes', `a${i}`, note(i));
    const checkpoint = store.checkpoint();
    const during = Promise.all(Array.from({ length: 50 }, (_, i) => store.put('notes', `b${i}`, note(i))));
    await Promise.all([checkpoint, during]);
    expect(store.checkpoints).toBe(1);
    await store.close();
    const reopened = await open(dir);
    expect(await reopened.count('notes', {})).toBe(100);
  });

  test('a failed checkpoint loses nothing: the journal keeps every commit and a later one succeeds', async () => {
    const dir = tempDir();
    const limit = 2048;
    const store = await open(dir, limit);
    await store.put('notes', 'first', note(0));
    // A checkpoint writes `<collection>.db~` and renames it over the file: a directory there makes that fail.
    const blocker = path.join(dir, 'notes.db~');
    fs.mkdirSync(blocker);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      for (let i = 0; i < 40; i++) await store.put('notes', `n${i}`, note(i));
      await expect(store.checkpoint()).rejects.toThrow();
    } finally {
      console.error = original;
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(store.checkpoints).toBe(0);
    expect(journalBytes(dir)).toBeGreaterThan(limit);
    fs.rmdirSync(blocker);
    await store.put('notes', 'after', note(1));
    await settled(store);
    expect(store.checkpoints).toBe(1);
    await store.close();
    fs.rmSync(path.join(dir, JOURNAL_FILE));
    expect(await (await open(dir)).count('notes', {})).toBe(42);
  });

  test('refuses a limit that is not a positive integer', async () => {
    await expect(DocumentStore.open({ journalLimitBytes: 0 })).rejects.toThrow('journalLimitBytes');
    await expect(DocumentStore.open({ journalLimitBytes: 1.5 })).rejects.toThrow('journalLimitBytes');
  });
});
