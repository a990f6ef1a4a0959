/**
 * POST /web: what the vendor client's request class sends (`request.send(action, params)`), as
 * CloudBase's own /web endpoint takes it, run as the user its access token names. Database
 * actions are decoded and translated by the codec the Admin API uses too (ejson.ts, translate.ts)
 * and run by ClientDatabase, which applies the rules; `auth.wsWebSign`
 * hands out the realtime ticket and the local wsUrl; `auth.localUserToken` is the local cloud's
 * stand-in for WeChat's login (LocalTokens, realtime/gateway.ts). Answers are CloudBase's `{requestId, data}`.
 */
import crypto from 'crypto';
import { z } from 'zod';
import { badRequest } from '../httpKit';
import { PermissionDeniedError } from '../rules/access';
import type { ClientDatabase, ClientDbTarget } from './clientDatabase';
import { isPlainObject } from '../store/docData';
import { describeIssues, openidSchema } from '../wire';
import type { LocalTokens } from '../realtime/gateway';
import { decodeEjson, encodeEjson, type DecodeContext } from './ejson';
import { toReplacement, toSort, toStoreQuery, toStoreUpdate } from './translate';

/** The route the Node platform's request class posts to. */
export const WEB_API_PATH = '/web';

const ejsonText = z.string().max(6 * 1024 * 1024);
const dbParams = z.object({
  collectionName: z.string().min(1).max(100),
  queryType: z.enum(['WHERE', 'DOC']).optional(),
  query: ejsonText.optional(),
  order: ejsonText.optional(),
  offset: z.number().int().min(0).max(1_000_000).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  data: z.union([ejsonText, z.array(ejsonText).min(1).max(1)]).optional(),
  multi: z.boolean().optional(),
  merge: z.boolean().optional(),
  upsert: z.boolean().optional(),
});
type DbParams = z.infer<typeof dbParams>;

const request = z.discriminatedUnion('action', [
  z.object({ action: z.literal('auth.localUserToken'), openid: openidSchema }),
  z.object({ action: z.literal('auth.wsWebSign'), env: z.string().max(128).optional() }),
  ...(['getDocument', 'calculateDocument', 'insertDocument', 'modifyDocument', 'removeDocument'] as const).map((name) =>
    dbParams.extend({ action: z.literal(`database.${name}`) }),
  ),
]);

/** The /web endpoint of one local cloud. */
export class WebApi {
  constructor(
    private readonly clientDb: ClientDatabase,
    private readonly tokens: LocalTokens,
    /** The realtime endpoint's ws:// URL (known once the server listens). */
    private readonly wsUrl: () => string,
    /** The local cloud's time, for `db.serverDate()`. */
    private readonly decoding: DecodeContext,
  ) {}

  /** Runs one request; `authorization` is the request's Authorization header. */
  async handle(body: unknown, authorization: string | undefined): Promise<{ requestId: string; data: unknown }> {
    const parsed = request.safeParse(body);
    if (!parsed.success) throw badRequest(`invalid request: ${describeIssues(parsed.error)}`);
    const r = parsed.data;
    const answer = (data: unknown): { requestId: string; data: unknown } => ({ requestId: crypto.randomUUID(), data });
    if (r.action === 'auth.localUserToken') return answer({ accessToken: this.tokens.issue(r.openid, 'access') });
    const openid = this.tokens.verify(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '', 'access');
    if (openid === null) throw new PermissionDeniedError('no valid access token (ask auth.localUserToken for one)');
    if (r.action === 'auth.wsWebSign') {
      return answer({ signStr: this.tokens.issue(openid, 'ws'), wsUrl: this.wsUrl(), secretVersion: 1, envId: r.env ?? 'local' });
    }
    return answer(await this.database(r.action, r, openid));
  }

  private async database(action: string, p: DbParams, openid: string): Promise<Record<string, unknown>> {
    const target = this.target(p);
    const db = this.clientDb;
    switch (action) {
      case 'database.getDocument': {
        const sort = p.order === undefined ? undefined : toSort(this.decode(p.order, 'order'));
        // The vendor's doc(id).get() answers a missing document with `data: []`, not an error.
        const docs = await db.get(target, { sort, skip: p.offset, limit: p.limit }, openid);
        return { list: docs.map((d) => encodeEjson(d)) };
      }
      case 'database.calculateDocument':
        return { total: await db.count(target, openid) };
      case 'database.insertDocument':
        return { insertedIds: [await db.add(target.collection, this.data(p), openid)] };
      case 'database.modifyDocument': {
        if (p.merge === false) {
          if (target.docId === undefined) throw badRequest('set needs a DOC query');
          const created = await db.set(target.collection, target.docId, toReplacement(this.data(p), target.docId), openid);
          return { updated: created ? 0 : 1, ...(created ? { upsert_id: target.docId } : {}) };
        }
        return { updated: await db.update(target, toStoreUpdate(this.data(p)), openid) };
      }
      default:
        return { deleted: await db.remove(target, openid) };
    }
  }

  private decode(text: string, where: string): unknown {
    return decodeEjson(text, where, this.decoding);
  }

  /** The collection and either the one document (`DOC`, `{_id}`) or the query the call is about. */
  private target(p: DbParams): ClientDbTarget {
    const condition = p.query === undefined ? {} : this.decode(p.query, 'query');
    if (p.queryType === 'DOC') {
      const id = isPlainObject(condition) ? condition._id : undefined;
      if (typeof id !== 'string') throw badRequest('a DOC query needs a string _id');
      return { collection: p.collectionName, docId: id };
    }
    return { collection: p.collectionName, query: toStoreQuery(condition) };
  }

  private data(p: DbParams): Record<string, unknown> {
    if (p.data === undefined) throw badRequest('data is required');
    const value = this.decode(Array.isArray(p.data) ? p.data[0] : p.data, 'data');
    if (!isPlainObject(value)) throw badRequest('data must be an object');
    return value;
  }
}
