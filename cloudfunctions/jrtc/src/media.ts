/** Choosing which media host a signed URL may point at. */
import { ErrorCode, ProtocolError } from '../../../shared';

/**
 * The domain to sign for: `requested` when it is one of `allowed` (host names compare
 * case-insensitively), the first allowed one when nothing is requested. DOMAIN_NOT_ALLOWED for any
 * other host (a client must not obtain our signature for a host we do not run); CONFIG_ERROR when
 * the deployment lists no domain at all (`envName` says which variable to set).
 */
export function pickDomain(requested: string | undefined, allowed: readonly string[], envName: string): string {
  if (allowed.length === 0) throw new ProtocolError(ErrorCode.CONFIG_ERROR, `no media domain configured (set ${envName})`);
  if (requested === undefined) return allowed[0];
  const wanted = requested.toLowerCase();
  const match = allowed.find((d) => d.toLowerCase() === wanted);
  if (match === undefined) {
    throw new ProtocolError(ErrorCode.DOMAIN_NOT_ALLOWED, `domain ${requested} is not allowed`, { allowed: [...allowed] });
  }
  return match;
}
