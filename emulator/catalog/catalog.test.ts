import fs from 'fs';
import os from 'os';
import path from 'path';
import { CatalogError, CollectionCatalog, CollectionNotExistError, rulesOf } from './catalog';
import { startFixtureCloud } from '../__fixtures__/fixtureCloud';
import { fixtureDatabase } from '../__fixtures__/cloud/database';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-catalog-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('what was created, indexed and ruled is there after a reopen; what was not answers -502005', () => {
  const first = CollectionCatalog.open(dir);
  first.create('notes', 1);
  first.updateIndexes('notes', [{ name: 'a_1', keys: [{ name: 'a', direction: '1' }], unique: false }], []);
  first.setPermission('notes', { permission: 'ADMINWRITE' });
  const again = CollectionCatalog.open(dir);
  expect(again.names()).toEqual(['notes']);
  expect(again.get('notes')).toEqual(first.get('notes'));
  expect(again.ruleSet()).toEqual({ notes: { read: true, write: false } });
  expect(() => again.assertExists('ghost')).toThrow(CollectionNotExistError);
  expect(() => again.assertExists('ghost')).toThrow(expect.objectContaining({ errCode: -502005 }));
});

test('bad input is a typed error and changes nothing', () => {
  const catalog = CollectionCatalog.open(dir);
  catalog.create('notes', 1);
  catalog.setPermission('notes', { permission: 'CUSTOM', securityRule: '{"read": true, "write": false}' });
  const before = fs.readFileSync(path.join(dir, 'collections.json'), 'utf8');
  const changes: number[] = [];
  catalog.onChange(() => changes.push(1));
  expect(() => catalog.create('notes', 2)).toThrow(expect.objectContaining({ reason: 'exists' }));
  for (const name of ['', '_x', 'bad name', 'x'.repeat(97)]) expect(() => catalog.create(name, 2)).toThrow(CatalogError);
  expect(() => catalog.setPermission('notes', { permission: 'CUSTOM', securityRule: '{"read": "doc.a = 1", "write": false}' })).toThrow(CatalogError);
  expect(() => catalog.updateIndexes('notes', [{ name: '_id_', keys: [{ name: 'x', direction: '1' }], unique: false }], [])).toThrow(CatalogError);
  expect(() => catalog.updateIndexes('notes', [{ name: 'b_1', keys: [{ name: 'b', direction: '1' }], unique: false }], ['missing'])).toThrow(CatalogError);
  expect(() => catalog.setPermission('ghost', { permission: 'ADMINONLY' })).toThrow(CollectionNotExistError);
  expect(changes).toEqual([]);
  expect(fs.readFileSync(path.join(dir, 'collections.json'), 'utf8')).toBe(before);
});

test('simple permissions are the rules CloudBase documents for them; no permission denies clients', () => {
  expect(rulesOf('c', { permission: 'READONLY' })).toEqual({ read: true, write: 'doc._openid == auth.openid' });
  expect(rulesOf('c', { permission: 'PRIVATE' })).toEqual({ read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' });
  expect(rulesOf('c', { permission: 'ADMINONLY' })).toEqual({ read: false, write: false });
  expect(rulesOf('c', undefined)).toEqual({ read: false, write: false });
});

test('a local cloud on a data directory provisions once: restarted, everything is already in place', async () => {
  const first = await startFixtureCloud({ dataDir: dir });
  expect(first.provisioned.length).toBeGreaterThan(0);
  expect(first.catalog.names()).toEqual(Object.keys(fixtureDatabase).sort());
  await first.stop();
  const second = await startFixtureCloud({ dataDir: dir });
  try {
    expect(second.provisioned).toEqual([]);
    expect(second.catalog.names()).toEqual(Object.keys(fixtureDatabase).sort());
  } finally {
    await second.stop();
  }
});
