// Fixture: sends a subscription message from inside a function instance (wx-server-sdk redirected by
// TCB_CONTEXT_CNFG) and answers what the SDK resolved or threw.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => {
  try {
    const res = await cloud.openapi.subscribeMessage.send(event.message);
    return { ok: true, errCode: res.errCode, errMsg: res.errMsg };
  } catch (err) {
    return { ok: false, errCode: err.errCode, errMsg: err.errMsg };
  }
};
