import { COMMAND_KEY, isCommandMarker, localCommand as _, toMongoQuery, toMongoUpdate } from './query';
import { DatabaseError, DocumentStore } from '../store/store';

describe('localCommand', () => {
  it('builds JSON-safe markers that survive a JSON round trip', () => {
    const markers = [_.eq(1), _.neq('a'), _.lt(3), _.lte(3), _.gt(3), _.gte(3), _.in([1, 2]), _.nin([3]), _.inc(2), _.remove()];
    for (const marker of markers) {
      expect(isCommandMarker(marker)).toBe(true);
      expect(JSON.parse(JSON.stringify(marker))).toEqual(marker);
    }
    expect(_.lt(3)).toEqual({ [COMMAND_KEY]: 'lt', value: 3 });
    expect(_.remove()).toEqual({ $cmd: 'remove' });
  });

  it('refuses bad arguments at once', () => {
    expect(() => _.in('a' as unknown as unknown[])).toThrow(/needs an array/);
    expect(() => _.inc(Number.NaN)).toThrow(/finite number/);
  });
});

describe('toMongoQuery', () => {
  it('maps commands to Mongo operators and flattens nested objects to dot paths', () => {
    expect(
      toMongoQuery({
        roomKey: 'a',
        n: _.lt(3),
        m: _.neq(null),
        role: _.in([1, 2]),
        x: _.nin(['q']),
        y: _.eq({ a: 1 }),
        'stream.muted': false,
        stream: { publishing: true, meta: { codec: 'aac' } },
        tags: ['a', 'b'],
        empty: {},
      }),
    ).toEqual({
      roomKey: 'a',
      n: { $lt: 3 },
      m: { $ne: null },
      role: { $in: [1, 2] },
      x: { $nin: ['q'] },
      y: { a: 1 },
      'stream.muted': false,
      'stream.publishing': true,
      'stream.meta.codec': 'aac',
      tags: ['a', 'b'],
      empty: {},
    });
    expect(toMongoQuery({ a: _.gte(1), b: _.gt(2), c: _.lte(3) })).toEqual({ a: { $gte: 1 }, b: { $gt: 2 }, c: { $lte: 3 } });
  });

  it('accepts markers that went through JSON', () => {
    const wire = JSON.parse(JSON.stringify({ n: _.gt(5) })) as Record<string, unknown>;
    expect(toMongoQuery(wire)).toEqual({ n: { $gt: 5 } });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ n: { $lt: 3 } }, /unsupported operator \$lt/],
    [{ $or: [] }, /unsupported operator \$or/],
    [{ n: _.inc(1) }, /update operator/],
    [{ n: _.remove() }, /update operator/],
    [{ n: undefined }, /undefined is not a condition/],
    [{ n: { $cmd: 'regex', value: 'a' } }, /unsupported command "regex"/],
    [{ n: { $cmd: 'lt', value: 1, extra: 2 } }, /unexpected extra/],
    [{ n: { $cmd: 'lt' } }, /without a value/],
    [{ 'a.b': 1, a: { b: 2 } }, /given twice/],
    [{ 'a..b': 1 }, /malformed field path/],
    [{ d: new Date(0) }, /not storable/],
  ])('rejects %p', (condition, message) => {
    let caught: unknown;
    try {
      toMongoQuery(condition);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatabaseError);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('toMongoUpdate', () => {
  it('merges nested objects as dot paths and maps inc/remove', () => {
    expect(
      toMongoUpdate({
        role: 1,
        stream: { publishing: true, meta: { bitrate: 64 } },
        count: _.inc(-1),
        nickName: _.remove(),
        tags: ['a'],
        cleared: {},
        skipped: undefined,
      }),
    ).toEqual({
      $set: { role: 1, 'stream.publishing': true, 'stream.meta.bitrate': 64, tags: ['a'], cleared: {} },
      $inc: { count: -1 },
      $unset: { nickName: true },
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ _id: 'x' }, /_id cannot be changed/],
    [{ n: _.lt(3) }, /query operator/],
    [{ $set: { a: 1 } }, /unsupported operator \$set/],
    [{ a: 1, 'a.b': 2 }, /conflict/],
    [{ a: { b: 1 }, 'a.b': 2 }, /conflict/],
    [{ only: undefined }, /no fields to update/],
    [{}, /no fields to update/],
  ])('rejects %p', (data, message) => {
    expect(() => toMongoUpdate(data)).toThrow(message);
  });

  it('updates a stored document with merge semantics', async () => {
    const store = await DocumentStore.open({});
    try {
      await store.put('m', 'a', { stream: { publishing: false, muted: true, streamId: 's' }, nick: 'n', count: 1 });
      await store.patch('m', 'a', toMongoUpdate({ stream: { publishing: true }, nick: _.remove(), count: _.inc(2) }));
      expect(await store.get('m', 'a')).toEqual({
        _id: 'a',
        stream: { publishing: true, muted: true, streamId: 's' },
        count: 3,
      });
      const found = await store.find('m', toMongoQuery({ stream: { publishing: true }, count: _.gt(2) }));
      expect(found.map((d) => d._id)).toEqual(['a']);
    } finally {
      await store.close();
    }
  });
});
