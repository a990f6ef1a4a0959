/**
 * Everything the demo needs to know about your deployment, in one place (docs/phone.md). The values
 * below match the local cloud (`npm run emulator`: app `demo-app`, media on 127.0.0.1:1935); for
 * phones, set your CloudBase env id and the appId and push / pull domains your `jrtc` function signs
 * for (its JRTC_APPS, JRTC_PUSH_DOMAINS, JRTC_PULL_DOMAINS).
 */
export const cloudEnv = {
  /** The CloudBase environment id; '' uses the one chosen in WeChat DevTools. */
  envId: '',
};

/** What the SDK is initialised with. */
export const demoConfig = {
  /** The JRTC appId the `jrtc` function knows (its key stays on the server). */
  appId: 'demo-app',
  /** Host that push URLs point at. */
  pushDomain: '127.0.0.1:1935',
  /** Host that pull URLs point at. */
  pullDomain: '127.0.0.1:1935',
} as const;

/**
 * Android decodes about six `<live-player>`s at once: the demo plays the first six publishing
 * anchors and lists the others without a player (a bigger stage needs a mixed stream). The class
 * page also caps its stage at this many anchors (setStagePolicy's maxAnchors).
 */
export const MAX_PLAYERS = 6;
