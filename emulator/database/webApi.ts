/**
 * POST /web: what the vendor client's request class sends (`request.send(action, params)`), as
 * CloudBase's own /web endpoint takes it, run as the user its access token names. Database
 * actions go to ClientDatabase, so the rules apply exactly as on POST /v1/db; `auth.wsWebSign`
 * hands out the realtime ticket and the local wsUrl; `auth.localUserToken` is the local cloud's
 * stand-in for WeChat's login (see tokens.ts). Answers are CloudBase's `{requestId, data}`.
 */
import crypto from 'crypto';
import { z } from 'zod';
import { PermissionDeniedError } from '../rules/access';
import type { ClientDatabase, ClientDbResult } from './clientDatabase';
import { DocumentNotFoundError } from './clientDatabase';
import { isPlainObject } from '../store/docData';
import type { DbBody } from '../wire';
import { openidSchema } from '../wire';
import type { LocalTokens } from '../realtime/tokens';
import { fromVendorCondition, fromVendorUpdate, parseEjson } from './vendorQuery';

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

/** Thrown for a request the endpoint cannot take; the server answers 400 with it. */
export class WebApiError extends Error {
  constructor(readonly errMsg: string) {
    super(errMsg);
  }
}

/** The /web endpoint of one local cloud. */
export class WebApi {
  constructor(
    private readonly clientDb: ClientDatabase,
    private readonly tokens: LocalTokens,
    /** The realtime endpoint's ws:// URL (known once the server listens). */
    private readonly wsUrl: () => string,
  ) {}

  /** Runs one request; `authorization` is the request's Authorization header. */
  async handle(body: unknown, authorization: string | undefined): Promise<{ requestId: string; data: unknown }> {
    const parsed = request.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WebApiError(`invalid request: ${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid'}`);
    }
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
    const base = this.target(p);
    const run = (body: Partial<DbBody>): Promise<ClientDbResult> => this.clientDb.run({ ...base, ...body } as DbBody, openid);
    switch (action) {
      case 'database.getDocument': {
        const orderBy = p.order === undefined ? undefined : orderOf(parseEjson(p.order, 'order'));
        let res: ClientDbResult;
        try {
          res = await run({ op: 'get', orderBy, skip: p.offset, limit: p.limit });
        } catch (err) {
          // The vendor's doc(id).get() answers a missing document with `data: []`, not an error.
          if (err instanceof DocumentNotFoundError) return { list: [] };
          throw err;
        }
        const data = 'data' in res ? res.data : [];
        return { list: (Array.isArray(data) ? data : [data]).map((d) => JSON.stringify(d)) };
      }
      case 'database.calculateDocument': {
        const res = await run({ op: 'count' });
        return { total: 'total' in res ? res.total : 0 };
      }
      case 'database.insertDocument': {
        const res = await this.clientDb.run({ op: 'add', collection: p.collectionName, data: this.data(p, false) }, openid);
        return { insertedIds: '_id' in res ? [res._id] : [] };
      }
      case 'database.modifyDocument': {
        if (p.merge === false) {
          const res = await run({ op: 'set', data: this.data(p, false) });
          const created = 'stats' in res && 'created' in res.stats && res.stats.created > 0;
          return { updated: created ? 0 : 1, ...(created ? { upsert_id: base.docId } : {}) };
        }
        const res = await run({ op: 'update', data: this.data(p, true) });
        return { updated: 'stats' in res && 'updated' in res.stats ? res.stats.updated : 0 };
      }
      default: {
        const res = await run({ op: 'remove' });
        return { deleted: 'stats' in res && 'removed' in res.stats ? res.stats.removed : 0 };
      }
    }
  }

  /** The collection and either the one document (`DOC`, `{_id}`) or the condition the call is about. */
  private target(p: DbParams): Pick<DbBody, 'collection' | 'docId' | 'query'> {
    const condition = p.query === undefined ? {} : fromVendorCondition(parseEjson(p.query, 'query'));
    if (p.queryType === 'DOC') {
      if (typeof condition._id !== 'string') throw new WebApiError('a DOC query needs a string _id');
      return { collection: p.collectionName, docId: condition._id };
    }
    return { collection: p.collectionName, query: condition };
  }

  private data(p: DbParams, update: boolean): Record<string, unknown> {
    if (p.data === undefined) throw new WebApiError('data is required');
    const value = parseEjson(Array.isArray(p.data) ? p.data[0] : p.data, 'data');
    if (!isPlainObject(value)) throw new WebApiError('data must be an object');
    return update ? fromVendorUpdate(value) : value;
  }
}

/** The vendor's `order` (`{field: 1 | -1}`, in order) as the store's orderBy. */
function orderOf(value: unknown): DbBody['orderBy'] {
  const parsed = z.record(z.string().min(1).max(256), z.union([z.literal(1), z.literal(-1)])).safeParse(value);
  if (!parsed.success || Object.keys(parsed.data).length > 10) throw new WebApiError('order must be {field: 1 | -1}');
  return Object.entries(parsed.data).map(([field, d]): [string, 'asc' | 'desc'] => [field, d === 1 ? 'asc' : 'desc']);
}
