/**
 * What the doc snippets take from the app around them, declared here rather than shown: the
 * deployment's values (miniprogram/utils/config.ts in the demo) and a token from your server (the
 * demo asks the issueToken action: miniprogram/utils/token.ts).
 */
declare const appId: string;
declare const pushDomain: string;
declare const pullDomain: string;
declare function getToken(userId: string, userRoomId: string): Promise<{ token: string; nonce: string; timestamp: number }>;
