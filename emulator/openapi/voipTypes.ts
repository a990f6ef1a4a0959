/**
 * The wx real-time voice chat (实时语音) API as miniprogram-api-typings 5.2.3 declares it (lib.wx.api.d.ts),
 * copied so the emulator and an SDK can type against it without the typings' globals; a test compiles
 * SimulatedVoipChat against `WechatMiniprogram.Wx` to keep the copy honest. Names are wx's.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- PromisifySuccessResult as the typings write it */

/** 静音设置. */
export interface MuteConfig {
  muteEarphone?: boolean;
  muteMicrophone?: boolean;
}
/** Every wx callback's result. */
export interface GeneralCallbackResult {
  errMsg: string;
}
/** wx.joinVoIPChat's failure (-1 已在房间内, -2 录音设备被占用, -3 加入会话期间退出, -1000 系统错误). */
export interface JoinVoIPChatError {
  errCode: number;
  errMsg: string;
}
/** wx.joinVoIPChat's success: `openIdList` is who is in the chat, the joiner included. */
export interface JoinVoIPChatSuccessCallbackResult extends JoinVoIPChatError {
  openIdList: string[];
}
/** The callbacks every async wx API takes. */
interface Callbacks<S, F = S, C = F> {
  success?: (res: S) => void;
  fail?: (res: F) => void;
  complete?: (res: C) => void;
}
/** wx.joinVoIPChat's option. */
export interface JoinVoIPChatOption extends Callbacks<JoinVoIPChatSuccessCallbackResult, JoinVoIPChatError> {
  groupId: string;
  nonceStr: string;
  signature: string;
  timeStamp: number;
  muteConfig?: MuteConfig;
  roomType?: 'voice' | 'video';
  forceCellularNetwork?: boolean;
}
/** wx.exitVoIPChat's option. */
export type ExitVoIPChatOption = Callbacks<GeneralCallbackResult>;
/** wx.updateVoIPChatMuteConfig's option. */
export interface UpdateVoIPChatMuteConfigOption extends Callbacks<GeneralCallbackResult> {
  muteConfig: MuteConfig;
}
/** onVoIPChatMembersChanged's and onVoIPChatSpeakersChanged's event: who is in the chat, who speaks. */
export type OnVoIPChatMembersChangedListenerResult = JoinVoIPChatSuccessCallbackResult;
export type OnVoIPChatSpeakersChangedListenerResult = JoinVoIPChatSuccessCallbackResult;
/** onVoIPChatInterrupted's event. */
export type OnVoIPChatInterruptedListenerResult = JoinVoIPChatError;
/** The typings' promisified result: void when any callback is given, else a Promise of the success result. */
export type PromisifySuccessResult<P, T extends { success?: (...args: any[]) => void }> = P extends { success: any }
  ? void
  : P extends { fail: any }
    ? void
    : P extends { complete: any }
      ? void
      : Promise<Parameters<Exclude<T['success'], undefined>>[0]>;

/** The wx members of a phone's voice chat: what an SDK's `VoipPlatform` takes (`wx` fits it). */
export interface VoipChatApi {
  joinVoIPChat<T extends JoinVoIPChatOption = JoinVoIPChatOption>(option: T): PromisifySuccessResult<T, JoinVoIPChatOption>;
  exitVoIPChat<T extends ExitVoIPChatOption = ExitVoIPChatOption>(option?: T): PromisifySuccessResult<T, ExitVoIPChatOption>;
  updateVoIPChatMuteConfig<T extends UpdateVoIPChatMuteConfigOption = UpdateVoIPChatMuteConfigOption>(option: T): PromisifySuccessResult<T, UpdateVoIPChatMuteConfigOption>;
  onVoIPChatMembersChanged(listener: (res: OnVoIPChatMembersChangedListenerResult) => void): void;
  offVoIPChatMembersChanged(listener?: (res: OnVoIPChatMembersChangedListenerResult) => void): void;
  onVoIPChatSpeakersChanged(listener: (res: OnVoIPChatSpeakersChangedListenerResult) => void): void;
  offVoIPChatSpeakersChanged(listener?: (res: OnVoIPChatSpeakersChangedListenerResult) => void): void;
  onVoIPChatInterrupted(listener: (res: OnVoIPChatInterruptedListenerResult) => void): void;
  offVoIPChatInterrupted(listener?: (res: OnVoIPChatInterruptedListenerResult) => void): void;
}
