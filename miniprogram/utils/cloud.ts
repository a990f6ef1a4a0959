/** The platform's `wx.cloud`, typed as the SDK takes it. */
import type { CloudLike } from '../lib/jrtc-miniapp.min';
import type { VoipPlatform } from '../lib/jrtc-calls.min';

/**
 * Reads `wx.cloud` (call once per page, at load, so that all of the page's calls go through one
 * client). miniprogram-api-typings types a watch snapshot's `docs` as `Record<string, any>` where
 * the runtime hands an array of documents, so its `WxCloud` and the SDK's `CloudLike` do not meet
 * as types although they do at runtime: the cast is confined to this one place.
 */
export function platformCloud(): CloudLike {
  return wx.cloud as unknown as CloudLike;
}

/**
 * The platform's VoIP chat APIs (wx.joinVoIPChat and its events) and the app's show event, read
 * now, like `wx.cloud` (call once per page, at load); undefined where the base library has none.
 */
export function platformVoip(): VoipPlatform | undefined {
  if (typeof wx.joinVoIPChat !== 'function') return undefined;
  return {
    joinVoIPChat: wx.joinVoIPChat,
    exitVoIPChat: wx.exitVoIPChat,
    updateVoIPChatMuteConfig: wx.updateVoIPChatMuteConfig,
    onVoIPChatMembersChanged: wx.onVoIPChatMembersChanged,
    offVoIPChatMembersChanged: wx.offVoIPChatMembersChanged,
    onVoIPChatSpeakersChanged: wx.onVoIPChatSpeakersChanged,
    offVoIPChatSpeakersChanged: wx.offVoIPChatSpeakersChanged,
    onVoIPChatInterrupted: wx.onVoIPChatInterrupted,
    offVoIPChatInterrupted: wx.offVoIPChatInterrupted,
    onAppShow: wx.onAppShow,
    offAppShow: wx.offAppShow,
  };
}
