/**
 * The local cloud's own tokens for the vendor client. A mini program proves who it is to CloudBase
 * with WeChat's login; the local cloud has no WeChat, so a test user asks it for a token naming
 * the openid it simulates (as it names it in the x-wx-openid header of other routes), and the
 * vendor client carries that token as a platform would: on its requests, and, through the
 * `auth.wsWebSign` ticket, in the realtime LOGIN. Tokens are HMACs under a secret made when the
 * cloud starts, so they identify a user of this run only and cannot be forged by editing them.
 * They do not expire: tests move the emulator's clock by days, and a run is short-lived.
 */
import crypto from 'crypto';
import { z } from 'zod';

/** What a token is for: an access token (requests) or a realtime ticket (LOGIN's signStr). */
export type TokenAudience = 'access' | 'ws';

const claims = z.object({ aud: z.enum(['access', 'ws']), sub: z.string().max(128) }).strict();

/** Issues and checks tokens for one local cloud. */
export class LocalTokens {
  private readonly secret = crypto.randomBytes(32);

  /** A token of `audience` for `openid` ('' = a client with no user). */
  issue(openid: string, audience: TokenAudience): string {
    const body = Buffer.from(JSON.stringify({ aud: audience, sub: openid })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The openid a token of `audience` names, or null when it is not one of ours (or for another use). */
  verify(token: string, audience: TokenAudience): string | null {
    const [body, mac, ...rest] = token.split('.');
    if (!body || !mac || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return null;
    }
    const c = claims.safeParse(parsed);
    return c.success && c.data.aud === audience ? c.data.sub : null;
  }

  private sign(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
