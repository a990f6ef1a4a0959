// Runs in a child process with the env of wxServerSdkEnv and tests/fixtures/noNetwork.js
// preloaded: the REAL wx-server-sdk against the local cloud's Admin API. Each scenario returns
// what the SDK answered (errors as {errCode, errMsg}); the parent asserts on it and on the store.
// Plain JS so the child needs no compiler; Dates are sent back as {date: ms}.
'use strict';
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database({ throwOnNotFound: false });
const _ = db.command;

/** A JSON-safe copy (Dates → {date: ms}) for IPC. */
function plain(value) {
  if (value instanceof Date) return { date: value.getTime() };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

async function attempt(fn) {
  try {
    return { ok: plain(await fn()) };
  } catch (err) {
    return { err: { errCode: err && err.errCode, errMsg: err && err.errMsg, message: err && err.message } };
  }
}

const scenarios = {
  async crud() {
    const c = db.collection('items');
    const r = {};
    r.add = await attempt(() => c.add({ data: { n: 1, s: 'a', tags: ['x', 'y'], nested: { deep: { v: 1.5 } }, when: new Date(1700000000000) } }));
    r.addWithId = await attempt(() => c.add({ data: { _id: 'fixed', n: 2, s: 'b' } }));
    r.addDuplicate = await attempt(() => c.add({ data: { _id: 'fixed', n: 99 } }));
    r.getMissing = await attempt(() => c.doc('nope').get());
    r.getFixed = await attempt(() => c.doc('fixed').get());
    r.getAdded = await attempt(() => c.doc(r.add.ok._id).get());
    r.setNew = await attempt(() => c.doc('setme').set({ data: { n: 3, s: 'c', gone: true } }));
    r.setExisting = await attempt(() => c.doc('setme').set({ data: { n: 4, s: 'c', gone: true, nested: { a: 1, b: 2 } } }));
    r.update = await attempt(() =>
      c.doc('setme').update({ data: { n: _.inc(10), gone: _.remove(), at: db.serverDate(), nested: { b: 3 } } }),
    );
    r.getUpdated = await attempt(() => c.doc('setme').get());
    r.updateMissing = await attempt(() => c.doc('nope').update({ data: { n: 1 } }));
    r.query = await attempt(() => c.where({ n: _.gte(1) }).orderBy('n', 'desc').skip(1).limit(2).field({ n: true, s: true }).get());
    r.queryIn = await attempt(() => c.where({ s: _.in(['a', 'b']), n: _.neq(5) }).orderBy('n', 'asc').get());
    r.queryOr = await attempt(() => c.where(_.or([{ n: 1 }, { s: 'c' }])).orderBy('n', 'asc').get());
    r.queryDate = await attempt(() => c.where({ when: _.lt(new Date(1800000000000)) }).get());
    r.queryExists = await attempt(() => c.where({ at: _.exists(true) }).count());
    r.queryAll = await attempt(() => c.get());
    r.count = await attempt(() => c.where({ n: _.gt(1) }).count());
    r.whereUpdate = await attempt(() => c.where({ n: _.lt(5) }).update({ data: { small: true } }));
    r.countSmall = await attempt(() => c.where({ small: true }).count());
    r.whereRemove = await attempt(() => c.where({ small: true }).remove());
    r.docRemove = await attempt(() => c.doc('setme').remove());
    r.docRemoveMissing = await attempt(() => c.doc('setme').remove());
    r.countLeft = await attempt(() => c.count());
    r.badCollection = await attempt(() => db.collection('bad name!').add({ data: { n: 1 } }));
    r.badOperator = await attempt(() => c.doc('x').update({ data: { list: _.push(1) } }));
    return r;
  },

  async transactions() {
    const c = db.collection('accounts');
    const r = {};
    await c.add({ data: { _id: 'alice', balance: 100 } });
    await c.add({ data: { _id: 'bob', balance: 0 } });
    r.commit = await attempt(() =>
      db.runTransaction(async (tx) => {
        const alice = await tx.collection('accounts').doc('alice').get();
        const ghost = await tx.collection('accounts').doc('ghost').get();
        await tx.collection('accounts').doc('alice').update({ data: { balance: _.inc(-30) } });
        await tx.collection('accounts').doc('bob').update({ data: { balance: _.inc(30) } });
        const seen = await tx.collection('accounts').doc('alice').get();
        const set = await tx.collection('accounts').doc('carol').set({ data: { balance: 5 } });
        const added = await tx.collection('accounts').add({ data: { _id: 'dave', balance: 1 } });
        const removed = await tx.collection('accounts').doc('dave').remove();
        return { alice, ghost, seen, set, added, removed };
      }),
    );
    r.abort = await attempt(() =>
      db.runTransaction(async (tx) => {
        await tx.collection('accounts').doc('alice').update({ data: { balance: _.inc(-1000) } });
        await tx.collection('accounts').doc('erin').set({ data: { balance: 1 } });
        throw new Error('insufficient funds');
      }),
    );
    // A write outside the transaction to a document it read, then the transaction writes it: that
    // write fails at once (snapshot isolation, store/lockTx.ts) as -501001 without a code, so
    // @cloudbase/database's runTransaction does NOT run the callback again.
    let runs = 0;
    r.conflict = await attempt(() =>
      db.runTransaction(async (tx) => {
        runs += 1;
        const bob = await tx.collection('accounts').doc('bob').get();
        if (runs === 1) await c.doc('bob').update({ data: { balance: _.inc(1) } });
        await tx.collection('accounts').doc('bob').update({ data: { balance: bob.data.balance + 1 } });
        return runs;
      }),
    );
    r.runs = runs;
    r.final = await attempt(() => c.orderBy('_id', 'asc').get());
    return r;
  },

  // Writes a watch in the parent sees: set over an existing document is a replacement, update a
  // merge, outside and inside transactions (modifyDocument merge: false / true).
  async replace() {
    const c = db.collection('replaced');
    const r = {};
    r.create = await attempt(() => c.doc('p').set({ data: { n: 1, gone: true } }));
    r.set = await attempt(() => c.doc('p').set({ data: { n: 2 } }));
    r.update = await attempt(() => c.doc('p').update({ data: { n: 3 } }));
    r.txSet = await attempt(() => db.runTransaction(async (tx) => tx.collection('replaced').doc('p').set({ data: { n: 4, again: true } })));
    r.txUpdate = await attempt(() => db.runTransaction(async (tx) => tx.collection('replaced').doc('p').update({ data: { n: 5 } })));
    return r;
  },

  // Null conditions as MongoDB and CloudBase read them: null or missing; neq(null) the complement.
  async nulls() {
    const c = db.collection('nulls');
    const r = {};
    await c.add({ data: { _id: 'null', f: null } });
    await c.add({ data: { _id: 'one', f: 1 } });
    await c.add({ data: { _id: 'missing', g: 1 } });
    const ids = async (condition) => (await c.where(condition).orderBy('_id', 'asc').get()).data.map((d) => d._id);
    r.isNull = await attempt(() => ids({ f: null }));
    r.eqNull = await attempt(() => ids({ f: _.eq(null) }));
    r.neqNull = await attempt(() => ids({ f: _.neq(null) }));
    r.inNull = await attempt(() => ids({ f: _.in([null]) }));
    r.countNull = await attempt(() => c.where({ f: null }).count());
    r.updateNull = await attempt(() => c.where({ f: _.eq(null) }).update({ data: { seen: true } }));
    r.seen = await attempt(() => ids({ seen: true }));
    r.removeNeq = await attempt(() => c.where({ f: _.neq(null) }).remove());
    r.left = await attempt(() => ids({}));
    return r;
  },

  /** A collection nobody created, then db.createCollection (twice). */
  async collections() {
    const c = db.collection('never_created');
    const r = {};
    r.get = await attempt(() => c.get());
    r.count = await attempt(() => c.count());
    r.whereUpdate = await attempt(() => c.where({ n: 1 }).update({ data: { n: 2 } }));
    r.docGet = await attempt(() => c.doc('x').get());
    r.docSet = await attempt(() => c.doc('x').set({ data: { n: 1 } }));
    r.docUpdate = await attempt(() => c.doc('x').update({ data: { n: 1 } }));
    r.add = await attempt(() => c.add({ data: { n: 1 } }));
    r.remove = await attempt(() => c.where({ n: 1 }).remove());
    r.inTransaction = await attempt(() => db.runTransaction(async (tx) => tx.collection('never_created').doc('x').get()));
    r.create = await attempt(() => db.createCollection('made_here'));
    r.createAgain = await attempt(() => db.createCollection('made_here'));
    r.createBad = await attempt(() => db.createCollection('_underscore'));
    r.addAfter = await attempt(() => db.collection('made_here').add({ data: { _id: 'one', n: 1 } }));
    r.getAfter = await attempt(() => db.collection('made_here').doc('one').get());
    return r;
  },
};

process.on('message', async (name) => {
  const scenario = scenarios[name];
  const result = scenario ? await attempt(scenario) : { err: { errMsg: `no scenario ${name}` } };
  process.send({ result, networkAttempts: globalThis.__networkAttempts || null }, () => process.exit(0));
});
