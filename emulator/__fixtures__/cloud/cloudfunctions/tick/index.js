// Fixture timer function: records each trigger event.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => {
  const db = cloud.database();
  const { _id } = await db.collection('ticks').add({ data: { event, at: Date.now() } });
  return { _id, source: cloud.getWXContext().SOURCE };
};
