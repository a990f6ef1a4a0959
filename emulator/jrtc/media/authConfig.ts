/** The media server's verification settings, read from the same env the jrtc function runs with. */
import { loadConfig } from '../../../shared/functionConfig';
import { ErrorCode, ProtocolError } from '../../../shared';
import type { MediaAuthConfig } from './verifyUrl';

/**
 * Provider, keys and app exactly as the jrtc function resolves them from `env` (its cloudbaserc.json
 * envVariables under the local overrides), so the server checks what the function signs. Throws
 * ProtocolError CONFIG_ERROR for an invalid config or an empty key: a media server that cannot
 * verify must not start (it would have to let everyone in).
 */
export function mediaAuthFromEnv(env: Readonly<Record<string, string | undefined>>): MediaAuthConfig {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw loaded.error;
  const { mediaProvider, pushKey, pullKey, mediaApp, trtc } = loaded.config;
  if (!pushKey || !pullKey) {
    throw new ProtocolError(ErrorCode.CONFIG_ERROR, 'media server: set JRTC_PUSH_KEY (and optionally JRTC_PULL_KEY) to verify URLs');
  }
  return { provider: mediaProvider, pushKey, pullKey, app: mediaApp, trtc };
}
