/**
 * What the jrtc function runs with locally: a demo app, node-media-server signing, and media
 * domains on this machine. Deployments set their own in cloudbaserc.json / the console.
 */
export const localFunctionEnv: Readonly<Record<string, string>> = {
  JRTC_APPS: JSON.stringify({ 'demo-app': 'demo-key' }),
  JRTC_MEDIA_PROVIDER: 'nms',
  JRTC_PUSH_DOMAINS: '127.0.0.1:1935',
  JRTC_PULL_DOMAINS: '127.0.0.1:1935',
  JRTC_PULL_HTTP_PORT: '8000',
  JRTC_PUSH_KEY: 'local-secret',
  // A pull key of its own, so a pull URL's signature can never authorise a push (as on a real CDN).
  JRTC_PULL_KEY: 'local-pull-secret',
  JRTC_PULL_SCHEME: 'http',
  // The demo's teacher asks for an owner grant from the page; a deployment grants none (the default).
  JRTC_OWNER_GRANTS: 'any',
  // The demo's pages name their users (teacher, student-1, ...); a deployment serves each caller its own.
  JRTC_USER_IDS: 'any',
  // Calls ring a closed app with the local cloud's default template (emulator/openapi): caller, subject, time.
  JRTC_CALL_TEMPLATE: JSON.stringify({ id: 'local-call-invite', page: 'pages/service/service', data: { thing1: '{callerName}', thing2: '{subject}', time3: '{time}' } }),
  // A TRTC application for rooms created with backend 'trtc': the local cloud checks their room://
  // entries with it (media/trtcLocal.ts). Not a real one: a deployment sets its own in .env.
  JRTC_TRTC_SDKAPPID: '1400000000',
  JRTC_TRTC_SECRET_KEY: 'local-trtc-secret-key-not-a-real-one-0000000000000000000000000000',
};
