// Fixture: tries to leave the machine; the test preload (tests/fixtures/noNetwork.js) must refuse it.
const dns = require('dns');

exports.main = async () => {
  const error = await new Promise((resolve) => dns.lookup('example.com', (err) => resolve(err ? err.message : null)));
  return { error, attempts: globalThis.__networkAttempts || null };
};
