/**
 * The collection files: written whole and crash-safely, read back as written, and data directories
 * written in NeDB's append-log format (a later line of an `_id` wins, `$$deleted` removes it,
 * index bookkeeping lines) open with the same documents.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCollectionFile, writeCollectionFile } from './collectionFile';
import { DocumentStore } from './store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-cfile-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const nedbLog = [
  { $$indexCreated: { fieldName: 'roomKey', unique: false, sparse: false } },
  { _id: 'a', roomKey: 'r1', n: 1 },
  { _id: 'b', roomKey: 'r1', n: 2 },
  { _id: 'a', roomKey: 'r2', n: 3 },
  { $$deleted: true, _id: 'b' },
  { _id: 'c', roomKey: 'r2', n: 4 },
  { $$indexRemoved: 'roomKey' },
]
  .map((line) => JSON.stringify(line))
  .join('\n');

test("opens a directory of NeDB's append logs with the same documents, a torn last line dropped", async () => {
  fs.writeFileSync(path.join(dir, 'rooms.db'), `${nedbLog}\n{"_id":"d","roomK`);
  const store = await DocumentStore.open({ dir, indexes: { rooms: [['roomKey']] } });
  try {
    expect(await store.find('rooms', {}, { sort: { n: 1 } })).toEqual([
      { _id: 'a', roomKey: 'r2', n: 3 },
      { _id: 'c', roomKey: 'r2', n: 4 },
    ]);
    expect(await store.explain('rooms', { roomKey: 'r2' })).toBe(2);
  } finally {
    await store.close();
  }
  // The open rewrote nothing it did not need to: the file is read the same way again.
  expect(readCollectionFile(path.join(dir, 'rooms.db')).map((d) => d._id)).toEqual(['a', 'c']);
});

test('writes one document a line and reads them back in order', async () => {
  const file = path.join(dir, 'c.db');
  const docs = [{ _id: 'z', v: [1, { w: null }] }, { _id: 'a', v: 'é' }];
  await writeCollectionFile(file, docs);
  expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(docs[0])}\n${JSON.stringify(docs[1])}\n`);
  expect(fs.existsSync(`${file}~`)).toBe(false);
  expect(readCollectionFile(file)).toEqual(docs);
});

test('refuses a file with a line that is not a document rather than losing it', () => {
  const file = path.join(dir, 'c.db');
  fs.writeFileSync(file, '{"_id":"x"}\nnot json\n{"_id":"y"}\n');
  expect(() => readCollectionFile(file)).toThrow('line 2');
  fs.writeFileSync(file, '{"v":1}\n');
  expect(() => readCollectionFile(file)).toThrow('line 1');
});
