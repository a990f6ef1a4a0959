/** The platform's `wx.cloud`, typed as the SDK takes it. */
import type { CloudLike } from '../lib/jrtc-miniapp.min';

/**
 * Reads `wx.cloud` (call once per page, at load, so that all of the page's calls go through one
 * client). miniprogram-api-typings types a watch snapshot's `docs` as `Record<string, any>` where
 * the runtime hands an array of documents, so its `WxCloud` and the SDK's `CloudLike` do not meet
 * as types although they do at runtime: the cast is confined to this one place.
 */
export function platformCloud(): CloudLike {
  return wx.cloud as unknown as CloudLike;
}
