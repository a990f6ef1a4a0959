/**
 * Keeps a room's session alive past its token's lifetime. The SDK emits `tokenWillExpire(expiresAt)`
 * `tokenWillExpireLeadMs` ahead of the expiry; this asks issueToken for a fresh token for the same
 * app, room and user and hands it to `room.renewToken`, which also arms the next warning. The SDK
 * warns once per expiry, so retrying a failed renewal is up to us: a few times, with growing waits,
 * and only while the old token still holds (after it the server ends the session whatever we send).
 */
import { ErrorCode } from '../lib/jrtc-miniapp.min';
import type { CloudLike, Room } from '../lib/jrtc-miniapp.min';
import { errorCodeOf } from './errors';
import { issueToken } from './token';
import type { TokenRequest } from './token';

/** Waits before the retries of a failed renewal (ms); after the last one it gives up until the next warning. */
export const RENEWAL_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

/**
 * Failures after which the session is over anyway: a new token cannot help. Read with errorCodeOf,
 * so a JRTCFailure (`errorCode`) counts as the JRTCError (`code`) of the same cause.
 */
const SESSION_OVER: readonly string[] = [
  ErrorCode.NOT_IN_ROOM,
  ErrorCode.SESSION_REPLACED,
  ErrorCode.KICKED,
  ErrorCode.TOKEN_REVOKED,
  // From renewToken: the old token ran out first and the server removed the member.
  ErrorCode.TOKEN_EXPIRED,
];

/** What `renewTokens` needs. */
export interface TokenRenewalOptions {
  /** The page's `wx.cloud` (the one the room was joined through). */
  cloud: CloudLike;
  room: Room;
  /** Whom the fresh tokens are for: the appId, room and user of the join. */
  request: TokenRequest;
  /** A renewal failed; `retrying` says whether another attempt is scheduled. */
  onFailure(err: unknown, retrying: boolean): void;
  /** A renewal went through after a reported failure (the page clears its notice). */
  onRecovered(): void;
}

/** Renews `room`'s token on every `tokenWillExpire` until the returned stop is called (when the page leaves). */
export function renewTokens(options: TokenRenewalOptions): () => void {
  const { cloud, room, request } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failing = false;
  // Each warning (and the stop) starts a new generation: the replies of an older one are ignored.
  let generation = 0;

  const attempt = async (gen: number, expiresAt: number, tries: number): Promise<void> => {
    try {
      const fresh = await issueToken(cloud, request);
      if (gen !== generation) return;
      await room.renewToken({ token: fresh.token, nonce: fresh.nonce, timestamp: fresh.timestamp });
      if (gen !== generation) return;
      if (failing) {
        failing = false;
        options.onRecovered();
      }
    } catch (err) {
      if (gen !== generation) return;
      const delay = tries < RENEWAL_RETRY_DELAYS_MS.length ? RENEWAL_RETRY_DELAYS_MS[tries] : -1;
      // expiresAt is the server's clock and Date.now() ours: close enough to stop retrying in vain.
      const retrying =
        delay >= 0 && room.state !== 'disconnected' && SESSION_OVER.indexOf(errorCodeOf(err)) < 0 && Date.now() + delay < expiresAt;
      failing = true;
      options.onFailure(err, retrying);
      if (retrying) timer = setTimeout(() => void attempt(gen, expiresAt, tries + 1), delay);
    }
  };

  const off = room.on('tokenWillExpire', (expiresAt: number) => {
    generation += 1;
    if (timer !== undefined) clearTimeout(timer);
    void attempt(generation, expiresAt, 0);
  });
  return () => {
    generation += 1;
    if (timer !== undefined) clearTimeout(timer);
    off();
  };
}
