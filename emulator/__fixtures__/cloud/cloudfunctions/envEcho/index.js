// Fixture: reports what process.env held while the bundle loaded, and what it holds during a call.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const atLoad = { value: process.env.FIXTURE_VALUE, only: process.env.FIXTURE_ONLY_ECHO, override: process.env.FIXTURE_OVERRIDE };
const db = cloud.database();

exports.main = async () => {
  await db.collection('notes').doc('env-echo').set({ data: { loaded: atLoad.value } });
  return { atLoad, atCall: { value: process.env.FIXTURE_VALUE ?? null, only: process.env.FIXTURE_ONLY_ECHO ?? null } };
};
