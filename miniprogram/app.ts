/**
 * The mini program. Cloud development is initialised once at launch, with the env id of
 * utils/config.ts, or without one (the environment chosen in DevTools) when it is empty.
 */
import { cloudEnv } from './utils/config';

App({
  onLaunch() {
    if (!wx.cloud) {
      // Cloud development needs base library 2.2.3 or later; say so instead of failing on first use.
      console.error('wx.cloud is unavailable: use base library 2.2.3 or later');
      return;
    }
    wx.cloud.init(cloudEnv.envId ? { env: cloudEnv.envId, traceUser: true } : { traceUser: true });
  },
});
