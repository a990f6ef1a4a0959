// @ts-check
/**
 * Preload for a local cloud process (`node -r <this file> dist/emulator/main.js`): every database
 * call the cloud functions make through wx-server-sdk takes a round trip, one event-loop turn on the
 * way there and one on the way back, as it does in CloudBase, where the database is across a network.
 *
 * Why: the local store answers from memory and appends its journal synchronously, so without this
 * a function's reads and its transaction all run within one turn and no other call can commit in
 * between. A read made outside a transaction and trusted inside it (a lost update in the cloud)
 * could then never be stale here, and a concurrency test could not see it.
 *
 * Nothing is replaced: each call goes to the local cloud's own database unchanged, only later.
 * Operators (`db.command`, `serverDate`) pass through untouched. Plain JavaScript because the cloud
 * process runs built code under plain Node, without the test transform.
 */
'use strict';
const Module = require('module');

/** One turn of the event loop: I/O (other calls arriving) runs before it resolves. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Methods that build a query or reference (synchronous in wx-server-sdk): their result is wrapped. */
const BUILDERS = new Set(['collection', 'doc', 'where', 'orderBy', 'limit', 'skip', 'field']);
/** Methods that talk to the database: each is a round trip. */
const CALLS = new Set(['get', 'count', 'set', 'update', 'remove', 'add']);

/**
 * `target` with every database call delayed by a round trip.
 * @template {object} T
 * @param {T} target
 * @returns {T}
 */
function withRoundTrips(target) {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      if (BUILDERS.has(prop)) return (/** @type {unknown[]} */ ...args) => withRoundTrips(value.apply(t, args));
      if (CALLS.has(prop)) {
        return async (/** @type {unknown[]} */ ...args) => {
          await turn();
          const result = await value.apply(t, args);
          await turn();
          return result;
        };
      }
      if (prop === 'runTransaction') {
        // Each operation inside is a round trip too, while the platform holds the transaction open.
        return async (/** @type {(tx: object) => Promise<unknown>} */ fn, /** @type {unknown[]} */ ...rest) => {
          await turn();
          const result = await value.call(t, (/** @type {object} */ tx) => fn(withRoundTrips(tx)), ...rest);
          await turn();
          return result;
        };
      }
      return value.bind(t);
    },
  });
}

/** Node's CommonJS loader: `_load` is what every `require` goes through (not in @types/node). */
const loader = /** @type {{ _load(request: string, parent: unknown, isMain: boolean): unknown }} */ (/** @type {unknown} */ (Module));
const load = loader._load;
loader._load = function (/** @type {string} */ request, /** @type {unknown} */ parent, /** @type {boolean} */ isMain) {
  const exported = load.call(this, request, parent, isMain);
  if (request !== 'wx-server-sdk') return exported;
  const sdk = /** @type {{ database(config?: unknown): object }} */ (exported);
  // A copy of the SDK object whose database() adds the round trips; everything else is the SDK's own.
  return Object.assign(Object.create(null), sdk, {
    /** @param {unknown} [config] */
    database(config) {
      return withRoundTrips(sdk.database(config));
    },
  });
};
