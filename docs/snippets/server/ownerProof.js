// server/ownerProof.js
const crypto = require('crypto');

/** The owner proof for a token's parameters: HMAC-SHA256 keyed with the app key, encoded like the token. */
function ownerProof({ appId, appKey, roomId, userId, nonce, timestamp }) {
  const json = JSON.stringify({ appId, nonce, owner: true, roomId, timestamp, userId }); // keys in this order
  const digest = crypto.createHmac('sha256', appKey).update(json).digest('base64');
  return Buffer.from(digest).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}
// ownerProof({ appId: 'demo-app', appKey: 'demo-key', roomId: 'room1', userId: 'alice',
//   nonce: 'AK-00112233445566778899aabbccddeeff', timestamp: 1700000000000 })
//   === 'TDNMZFpqeXRPUmFUdVpIY28rSHJUZ0RteDJ1SWZibXUzLzBmcEd6NWV5RT0_'
module.exports = { ownerProof }; // hidden
