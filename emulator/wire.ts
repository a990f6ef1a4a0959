/**
 * The local cloud's own HTTP routes (functions and admin): one zod schema per body. Database calls
 * and watches have no route of ours: clients speak the vendor's protocol (POST /web, the realtime
 * socket, POST /admin).
 */
import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

/** The header carrying the simulated WeChat user (a local cloud has no WeChat login). */
export const OPENID_HEADER = 'x-wx-openid';
/** An openid as the local cloud accepts it ('' = no user). */
export const openidSchema = z.string().max(128);

/** POST /v1/functions/:name */
export const callFunctionBody = z.object({ data: jsonObject.optional() }).strict();

/** POST /v1/admin/clock */
export const clockBody = z.object({ advanceMs: z.number().finite().min(0).max(10 * 365 * 24 * 3600 * 1000) }).strict();

/** The error body every failing route answers with (wx.cloud's error shape). */
export interface ErrorBody {
  errCode: number;
  errMsg: string;
}

/** A one-line description of the first problem zod found. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
}
