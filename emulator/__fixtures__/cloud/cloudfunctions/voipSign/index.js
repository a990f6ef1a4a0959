// Fixture: cloud.getVoIPSign from inside a function instance, for the calling user (the SDK sends the
// invocation's WX_API_TOKEN), answering what the SDK resolved or threw.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => {
  try {
    return await cloud.getVoIPSign(event);
  } catch (err) {
    return { errCode: err.errCode, errMsg: err.errMsg };
  }
};
