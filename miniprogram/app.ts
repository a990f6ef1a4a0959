/**
 * The mini program. Cloud development is initialised once at launch; `wx.cloud.init` without `env`
 * uses the environment chosen in DevTools, so the same code runs against any deployment.
 */
App({
  onLaunch() {
    if (!wx.cloud) {
      // Cloud development needs base library 2.2.3 or later; say so instead of failing on first use.
      console.error('wx.cloud is unavailable: use base library 2.2.3 or later');
      return;
    }
    wx.cloud.init({ traceUser: true });
  },
});
