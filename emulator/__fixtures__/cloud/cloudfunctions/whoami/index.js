// Fixture: answers the caller's OPENID after an await, so concurrent calls interleave.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, Number(event.delayMs) || 0));
  const ctx = cloud.getWXContext();
  return { OPENID: ctx.OPENID, APPID: ctx.APPID, SOURCE: ctx.SOURCE, ENV: ctx.ENV, userInfo: event.userInfo, tag: event.tag };
};
