import fc from 'fast-check';
import type { WatchChange } from '../../miniprogram/lib/src/cloud';
import type { Member } from '../../shared/common';
import { applyChanges, applySnapshot, emptyRoster, hasChanged, toMember } from '../../miniprogram/lib/src/roster';
import type { Roster, RosterEvent } from '../../miniprogram/lib/src/roster';

const ROOM = 'app:room';

interface Doc extends Record<string, unknown> {
  _id: string;
  userId: string;
  role: 1 | 2;
  joinedAt: number;
  version: number;
  stream: { streamId: string; publishing: boolean; muted: boolean };
}

function doc(userId: string, fields: Partial<Doc> = {}): Doc {
  return {
    _id: `${ROOM}:${userId}`,
    roomKey: ROOM,
    userId,
    nickName: userId,
    peerId: '',
    role: 1,
    joinedAt: 1,
    version: 1,
    stream: { streamId: `s-${userId}`, publishing: false, muted: false },
    ...fields,
  };
}

const add = (d: Doc): WatchChange => ({ queueType: 'enqueue', dataType: 'add', docId: d._id, doc: d });
const update = (d: Doc, updatedFields?: Record<string, unknown>): WatchChange => ({
  queueType: 'update',
  dataType: 'update',
  docId: d._id,
  doc: d,
  updatedFields,
});
const remove = (d: Doc): WatchChange => ({ queueType: 'dequeue', dataType: 'remove', docId: d._id, doc: d });
/** `doc(id).set()` over an existing document, as CloudBase's watch reports it: the whole new document, no fields. */
const replace = (d: Doc, queueType: 'update' | 'enqueue' | 'dequeue' = 'update'): WatchChange => ({ queueType, dataType: 'replace', docId: d._id, doc: d });

const describeEvents = (events: RosterEvent[]): string[] =>
  events.map((e) => `${e.type}:${e.member.userId}:v${e.member.version}${'moved' in e && e.moved ? ':moved' : ''}`);

function run(steps: Array<Doc[] | WatchChange[]>, start: Roster = emptyRoster): { roster: Roster; events: string[] } {
  let roster = start;
  const events: string[] = [];
  for (const step of steps) {
    const isSnapshot = step.length === 0 || '_id' in step[0];
    const next = isSnapshot ? applySnapshot(roster, step as Doc[]) : applyChanges(roster, step as WatchChange[]);
    roster = next.roster;
    events.push(...describeEvents(next.events));
  }
  return { roster, events };
}

describe('roster sync', () => {
  test('the first snapshot reports everyone present, then changes report joins, updates and leaves', () => {
    const a = doc('a');
    const b = doc('b', { joinedAt: 2 });
    const { roster, events } = run([
      [a],
      [add(b)],
      [update({ ...a, version: 2, stream: { ...a.stream, publishing: true } })],
      [remove(b)],
    ]);
    expect(events).toEqual(['joined:a:v1', 'joined:b:v1', 'updated:a:v2', 'left:b:v1']);
    expect([...roster.members.values()].map((m) => [m.userId, m.stream.publishing])).toEqual([['a', true]]);
  });

  test('changes before the first snapshot wait for it and are not reported twice', () => {
    const a = doc('a');
    const b = doc('b');
    let roster = applyChanges(emptyRoster, [add(a), add(b)]).roster;
    expect(roster.synced).toBe(false);
    // The snapshot already contains a; the queued add of a is then a duplicate.
    const next = applySnapshot(roster, [a]);
    roster = next.roster;
    expect(describeEvents(next.events)).toEqual(['joined:a:v1', 'joined:b:v1']);
    expect(roster.pending).toEqual([]);
  });

  test('duplicate and stale changes are dropped', () => {
    const a = doc('a');
    const a2 = { ...a, version: 2, nickName: 'renamed' };
    const { roster, events } = run([[a], [update(a2)], [update(a2)], [update(a)]]);
    expect(events).toEqual(['joined:a:v1', 'updated:a:v2']);
    expect(roster.members.get(a._id)?.nickName).toBe('renamed');
  });

  test('a removal of a member never reported is not reported', () => {
    expect(run([[], [remove(doc('ghost'))]]).events).toEqual([]);
  });

  test('entering or leaving a filtered watch by update is a move (a role change), with the member as it is now', () => {
    const a = doc('a', { role: 2 });
    const promoted = { ...a, role: 1 as const, version: 2 };
    // As the platform sends it: the document as the watch held it, plus the update's fields.
    const demoted: WatchChange = {
      queueType: 'dequeue',
      dataType: 'update',
      docId: a._id,
      doc: promoted,
      updatedFields: { role: 2, version: 3 },
    };
    const { roster, events } = run([[], [{ queueType: 'enqueue', dataType: 'update', docId: a._id, doc: promoted }], [demoted]]);
    expect(events).toEqual(['joined:a:v2:moved', 'left:a:v3:moved']);
    expect(roster.members.size).toBe(0);
    const left = applyChanges(applySnapshot(emptyRoster, [promoted]).roster, [demoted]).events[0];
    expect(left.member.role).toBe(2);
  });

  test("a replace (doc(id).set()) inside the result is an update: the whole new document, fields it dropped gone", () => {
    const a = doc('a', { handRaised: true, invited: true });
    const { handRaised: _h, invited: _i, ...rest } = a;
    const set = { ...rest, version: 2, nickName: 'renamed' } as Doc;
    const { roster, events } = run([[a], [replace(set)], [replace(set)]]);
    expect(events).toEqual(['joined:a:v1', 'updated:a:v2']);
    expect(roster.members.get(a._id)).toMatchObject({ nickName: 'renamed', handRaised: false, invited: false, version: 2 });
  });

  test('entering or leaving a filtered watch by a replace of the same seat is a move; a replace that is a new seat is a leave', () => {
    const a = doc('a', { role: 2 });
    const promoted = { ...a, role: 1 as const, version: 2 };
    const demoted = { ...a, role: 2 as const, version: 3 };
    const moves = run([[], [replace(promoted, 'enqueue')], [replace(demoted, 'dequeue')]]);
    expect(moves.events).toEqual(['joined:a:v2:moved', 'left:a:v3:moved']);
    expect(moves.roster.members.size).toBe(0);
    const left = applyChanges(applySnapshot(emptyRoster, [promoted]).roster, [replace(demoted, 'dequeue')]).events[0];
    expect(left.member.role).toBe(2);
    // The document written again for a later seat (joinedAt 9) and out of the watch: the held seat
    // left the result, not by a role change.
    const reseated = doc('a', { role: 2, joinedAt: 9, version: 1 });
    expect(run([[promoted], [replace(reseated, 'dequeue')]]).events).toEqual(['joined:a:v2', 'left:a:v2']);
    // An update that takes it out is still a move (its document is the one held, its fields the change).
    const byUpdate: WatchChange = { queueType: 'dequeue', dataType: 'update', docId: a._id, doc: promoted, updatedFields: { role: 2, version: 3 } };
    expect(run([[promoted], [byUpdate]]).events).toEqual(['joined:a:v2', 'left:a:v3:moved']);
  });

  test('updates without a doc apply their dot-path fields', () => {
    const a = doc('a');
    const change: WatchChange = {
      queueType: 'update',
      dataType: 'update',
      docId: a._id,
      updatedFields: { 'stream.publishing': true, version: 2 },
    };
    const { roster } = run([[a], [change]]);
    expect(roster.members.get(a._id)?.stream).toEqual({ streamId: 's-a', publishing: true, muted: false, selfMuted: false, adminMuted: false });
  });

  test('members keep their public flags (mutes, hand, invitation); absent flags read false', () => {
    const a = doc('a', { handRaised: true, stream: { streamId: 's-a', publishing: true, muted: true, adminMuted: true } as Doc['stream'] });
    const member = toMember(a);
    expect(member).toMatchObject({ handRaised: true, invited: false, stream: { muted: true, adminMuted: true, selfMuted: false } });
    const change: WatchChange = {
      queueType: 'update',
      dataType: 'update',
      docId: a._id,
      updatedFields: { 'stream.adminMuted': false, 'stream.selfMuted': true, invited: true, version: 2 },
    };
    const { roster } = run([[a], [change]]);
    expect(roster.members.get(a._id)).toMatchObject({ invited: true, handRaised: true, stream: { muted: true, adminMuted: false, selfMuted: true } });
  });

  test('hasChanged compares what the page sees, not the version', () => {
    const a = toMember(doc('a')) as Member;
    expect(hasChanged({ ...a, version: 7 }, a)).toBe(false);
    expect(hasChanged({ ...a, stream: { ...a.stream, selfMuted: true } }, a)).toBe(true);
    expect(hasChanged({ ...a, handRaised: true }, a)).toBe(true);
    expect(hasChanged({ ...a, role: 2 }, a)).toBe(true);
  });

  test('a re-watch snapshot reports only the difference with what was reported', () => {
    const a = doc('a');
    const b = doc('b');
    const c = doc('c');
    const first = run([[a, b]]);
    const again = run([[{ ...a, version: 3 }, c], [{ ...a, version: 3 }, c]], first.roster);
    expect(again.events).toEqual(['left:b:v1', 'updated:a:v3', 'joined:c:v1']);
  });

  test('a new seat (later joinedAt) is a leave and a join; a late removal of the old seat is ignored', () => {
    const old = doc('a', { joinedAt: 1, version: 5 });
    const seat = doc('a', { joinedAt: 9, version: 1 });
    expect(run([[old], [seat]]).events).toEqual(['joined:a:v5', 'left:a:v5', 'joined:a:v1']);
    expect(run([[old], [update(seat)]]).events).toEqual(['joined:a:v5', 'left:a:v5', 'joined:a:v1']);
    const { roster, events } = run([[seat], [remove(old)]]);
    expect(events).toEqual(['joined:a:v1']);
    expect(roster.members.size).toBe(1);
  });

  test('docs without a userId are ignored', () => {
    expect(run([[{ _id: 'x' } as unknown as Doc]]).events).toEqual([]);
  });
});

/**
 * A model server: members join, update, are set whole (a replace), leave and rejoin; the client
 * sees each change once, twice (duplicated delivery) or not at all (lost while its watch was down,
 * then a re-watch snapshot).
 * Whatever happens, the events told to the page must fold into exactly the server's roster, with
 * joins and leaves of a member strictly alternating.
 */
describe('roster sync against a model server', () => {
  type Op = { kind: 'join' | 'update' | 'set' | 'leave'; user: number; delivery: 'once' | 'twice' | 'lost' } | { kind: 'rewatch' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constantFrom<'join' | 'update' | 'set' | 'leave'>('join', 'update', 'set', 'leave'),
      user: fc.integer({ min: 0, max: 4 }),
      delivery: fc.constantFrom<'once' | 'twice' | 'lost'>('once', 'once', 'twice', 'lost'),
    }),
    fc.constant<Op>({ kind: 'rewatch' }),
  );

  test('events fold into the server roster; never twice, never missed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const server = new Map<string, Doc>();
        let clock = 0;
        let roster = emptyRoster;
        let lost = false;
        const told = new Map<string, number>(); // userId -> version the page knows
        const tell = (events: RosterEvent[]): void => {
          for (const e of events) {
            const id = e.member.userId;
            if (e.type === 'joined') {
              expect(told.has(id)).toBe(false);
              told.set(id, e.member.version);
            } else if (e.type === 'left') {
              expect(told.has(id)).toBe(true);
              told.delete(id);
            } else {
              expect(told.get(id)).toBeLessThan(e.member.version);
              told.set(id, e.member.version);
            }
          }
        };
        const snapshot = (): void => {
          const next = applySnapshot(roster, [...server.values()]);
          roster = next.roster;
          tell(next.events);
          lost = false;
        };
        snapshot();
        for (const o of ops) {
          if (o.kind === 'rewatch') {
            snapshot();
            continue;
          }
          const user = `u${o.user}`;
          const held = server.get(user);
          let change: WatchChange | null = null;
          if (o.kind === 'join' && !held) {
            const d = doc(user, { joinedAt: ++clock, version: 1 });
            server.set(user, d);
            change = add(d);
          } else if (o.kind === 'update' && held) {
            const d = { ...held, version: held.version + 1, nickName: `n${clock}` };
            server.set(user, d);
            change = update(d);
          } else if (o.kind === 'set' && held) {
            // doc(id).set() over the member document: a replace, the same seat, fields dropped.
            const d = doc(user, { joinedAt: held.joinedAt, version: held.version + 1, role: held.role === 1 ? 2 : 1 });
            server.set(user, d);
            change = replace(d);
          } else if (o.kind === 'leave' && held) {
            server.delete(user);
            change = remove(held);
          }
          if (!change) continue;
          if (o.delivery === 'lost') lost = true;
          // Once a change is lost the watch is broken: nothing more arrives until the re-watch.
          if (lost) continue;
          const times = o.delivery === 'twice' ? 2 : 1;
          for (let i = 0; i < times; i++) {
            const next = applyChanges(roster, [change]);
            roster = next.roster;
            tell(next.events);
          }
        }
        snapshot();
        const expected = new Map([...server.values()].map((d) => [d.userId, d.version]));
        expect(told).toEqual(expected);
        expect(new Map([...roster.members.values()].map((m) => [m.userId, m.version]))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
