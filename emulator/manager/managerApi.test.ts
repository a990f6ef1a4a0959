/**
 * The management API with the REAL @cloudbase/manager-node 5.6.5, pointed at the local cloud by
 * TCB_BASE_URL (lib/utils/cloud-api-request.js), on a cloud started unprovisioned: tables, indexes
 * and security rules as provisioning sets them, the refusals the API answers, and the signature.
 */
import crypto from 'crypto';
import CloudBase from '@cloudbase/manager-node';
import type { LocalCloud } from '../jrtc/localCloud';
import { startFixtureCloud } from '../__fixtures__/fixtureCloud';
import { createCloudClient } from '../client/client';

jest.setTimeout(60_000);

let cloud: LocalCloud;
let app: CloudBase;
const savedBaseUrl = process.env.TCB_BASE_URL;

beforeAll(async () => {
  cloud = await startFixtureCloud({ provision: false });
  process.env.TCB_BASE_URL = cloud.managerUrl;
  app = new CloudBase({ envId: cloud.envId, ...cloud.managerCredentials });
});
afterAll(async () => {
  if (savedBaseUrl === undefined) delete process.env.TCB_BASE_URL;
  else process.env.TCB_BASE_URL = savedBaseUrl;
  await cloud.stop();
});

/** The refusal manager-node throws (CloudBaseError: `code` and message from Response.Error). */
async function refusal(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
}

test('unprovisioned, nothing exists: the Admin API and the manager agree', async () => {
  expect(cloud.catalog.names()).toEqual([]);
  expect((await app.database.checkCollectionExists('notes')).Exists).toBe(false);
  expect(await refusal(app.database.describeCollection('notes'))).toMatchObject({ code: 'ResourceNotFound' });
});

test('createCollection, describeCollection, updateCollection (indexes) and listCollections', async () => {
  await app.database.createCollection('rooms_t');
  expect(await refusal(app.database.createCollection('rooms_t'))).toMatchObject({ code: 'ResourceInUse' });
  await app.database.updateCollection('rooms_t', {
    CreateIndexes: [{ IndexName: 'roomKey_1_role_1', MgoKeySchema: { MgoIndexKeys: [{ Name: 'roomKey', Direction: '1' }, { Name: 'role', Direction: '1' }], MgoIsUnique: false } }],
  });
  const described = await app.database.describeCollection('rooms_t');
  expect((described.Indexes ?? []).map((i) => [i.Name, i.Keys.map((k) => k.Name), i.Unique])).toEqual([
    ['_id_', ['_id'], true],
    ['roomKey_1_role_1', ['roomKey', 'role'], false],
  ]);
  expect((await app.database.checkIndexExists('rooms_t', 'roomKey_1_role_1')).Exists).toBe(true);
  await cloud.store.put('rooms_t', 'r1', { n: 1 });
  const listed = await app.database.listCollections();
  expect(listed.Collections).toEqual([expect.objectContaining({ CollectionName: 'rooms_t', Count: 1, IndexCount: 2 })]);
  expect(listed.Pager).toMatchObject({ Total: 1 });
});

test('bad input gets a typed refusal and changes nothing: a unique index, a duplicate index, a missing table, a bad name', async () => {
  await app.database.createCollection('plain_t');
  const before = cloud.catalog.get('plain_t');
  const key = { MgoIndexKeys: [{ Name: 'a', Direction: '1' }], MgoIsUnique: false };
  expect(await refusal(app.database.updateCollection('plain_t', { CreateIndexes: [{ IndexName: 'a_1', MgoKeySchema: key }, { IndexName: 'u', MgoKeySchema: { ...key, MgoIsUnique: true } }] }))).toMatchObject({
    code: 'UnsupportedOperation',
  });
  expect(await refusal(app.database.updateCollection('plain_t', { CreateIndexes: [{ IndexName: 'a_1', MgoKeySchema: key }, { IndexName: 'a_1', MgoKeySchema: key }] }))).toMatchObject({
    code: 'ResourceInUse',
  });
  expect(await refusal(app.database.updateCollection('plain_t', { DropIndexes: [{ IndexName: 'nope' }] }))).toMatchObject({ code: 'InvalidParameter' });
  expect(cloud.catalog.get('plain_t')).toEqual(before);
  expect(await refusal(app.database.updateCollection('ghost_t', { CreateIndexes: [{ IndexName: 'a_1', MgoKeySchema: key }] }))).toMatchObject({ code: 'ResourceNotFound' });
  expect(await refusal(app.database.createCollection('_hidden'))).toMatchObject({ code: 'InvalidParameter' });
  expect(await refusal(app.database.createCollection('x'.repeat(97)))).toMatchObject({ code: 'InvalidParameter' });
  expect(cloud.catalog.has('ghost_t') || cloud.catalog.has('_hidden')).toBe(false);
});

test('security rules: modifyResourcePermission sets the rule clients meet, describeResourcePermission reads it back; a bad rule changes nothing', async () => {
  await app.database.createCollection('notes');
  const alice = createCloudClient({ url: cloud.url, openid: 'alice' }).database();
  // No rule yet: the collection exists but clients are refused (fails closed).
  await expect(alice.collection('notes').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
  const rule = JSON.stringify({ read: true, write: 'doc._openid == auth.openid' });
  await app.permission.modifyResourcePermission({ resourceType: 'collection', resource: 'notes', permission: 'CUSTOM', securityRule: rule });
  await alice.collection('notes').add({ n: 1 });
  expect((await alice.collection('notes').where({}).get()).data).toHaveLength(1);
  const described = await app.permission.describeResourcePermission({ resourceType: 'collection', resources: ['notes'] });
  expect(described.Data.PermissionList).toEqual([{ ResourceType: 'collection', Resource: 'notes', Permission: 'CUSTOM', SecurityRule: rule }]);
  for (const bad of ['{"read": true', JSON.stringify({ read: 'doc.a = 1', write: false }), JSON.stringify({ read: true })]) {
    expect(await refusal(app.permission.modifyResourcePermission({ resourceType: 'collection', resource: 'notes', permission: 'CUSTOM', securityRule: bad }))).toMatchObject({
      code: 'InvalidParameter',
    });
  }
  expect(cloud.catalog.get('notes')?.permission).toEqual({ permission: 'CUSTOM', securityRule: rule });
  await app.permission.modifyResourcePermission({ resourceType: 'collection', resource: 'notes', permission: 'ADMINONLY' });
  await expect(alice.collection('notes').where({}).get()).rejects.toMatchObject({ errCode: -502003 });
  expect(await refusal(app.permission.modifyResourcePermission({ resourceType: 'collection', resource: 'ghost_t', permission: 'ADMINONLY' }))).toMatchObject({ code: 'ResourceNotFound' });
});

describe('signatures (TC3-HMAC-SHA256, checked with the keys the local cloud is configured with)', () => {
  test('a wrong secret key or an unknown secret id is refused and changes nothing', async () => {
    const wrongKey = new CloudBase({ envId: cloud.envId, secretId: cloud.managerCredentials.secretId, secretKey: 'not-the-key' });
    expect(await refusal(wrongKey.database.createCollection('by_wrong_key'))).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    const stranger = new CloudBase({ envId: cloud.envId, secretId: 'someone-else', secretKey: cloud.managerCredentials.secretKey });
    expect(await refusal(stranger.database.createCollection('by_stranger'))).toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
    expect(cloud.catalog.has('by_wrong_key') || cloud.catalog.has('by_stranger')).toBe(false);
  });

  test('a signed request whose body was changed afterwards is refused; the same request unchanged passes (the check is not vacuous)', async () => {
    const { secretId, secretKey } = cloud.managerCredentials;
    const url = new URL(cloud.managerUrl);
    const sign = (body: string, timestamp: number): string => {
      const h = (m: string): string => crypto.createHash('sha256').update(m).digest('hex');
      const mac = (k: crypto.BinaryLike, m: string): Buffer => crypto.createHmac('sha256', k).update(m).digest();
      const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
      const canonical = `POST\n${url.pathname}\n\ncontent-type:application/json\nhost:${url.hostname}\n\ncontent-type;host\n${h(body)}`;
      const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/tcb/tc3_request\n${h(canonical)}`;
      const signature = mac(mac(mac(mac(`TC3${secretKey}`, date), 'tcb'), 'tc3_request'), toSign).toString('hex');
      return `TC3-HMAC-SHA256 Credential=${secretId}/${date}/tcb/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
    };
    const post = async (signedBody: string, sentBody: string, timestamp = Math.floor(Date.now() / 1000)): Promise<Record<string, unknown>> => {
      const res = await fetch(cloud.managerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tc-action': 'CreateTable', 'x-tc-version': '2018-06-08', 'x-tc-timestamp': String(timestamp), authorization: sign(signedBody, timestamp) },
        body: sentBody,
      });
      return ((await res.json()) as { Response: Record<string, unknown> }).Response;
    };
    const body = (name: string): string => JSON.stringify({ EnvId: cloud.envId, TableName: name });
    expect(await post(body('signed_name'), body('tampered_name'))).toMatchObject({ Error: { Code: 'AuthFailure.SignatureFailure' } });
    expect(await post(body('old_name'), body('old_name'), Math.floor(Date.now() / 1000) - 600)).toMatchObject({ Error: { Code: 'AuthFailure.SignatureExpire' } });
    expect(cloud.catalog.has('tampered_name') || cloud.catalog.has('signed_name') || cloud.catalog.has('old_name')).toBe(false);
    expect(await post(body('signed_name'), body('signed_name'))).toEqual({ RequestId: expect.any(String) });
    expect(cloud.catalog.has('signed_name')).toBe(true);
  });
});
