// Fixture: uses the database without cloud.init(), which the real wx-server-sdk refuses.
const cloud = require('wx-server-sdk');

exports.main = async () => {
  await cloud.database().collection('notes').doc('no-init').set({ data: { ok: true } });
  return { wrote: true };
};
