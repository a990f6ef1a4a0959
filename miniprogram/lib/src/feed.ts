import type { MediaBackend, Member } from '../../../shared/common';
import { Role, SystemSignal } from '../../../shared/constants';
import { ErrorCode } from '../../../shared/errors';
import { docsOf, isInit } from './cloud';
import type { WatchSnapshot } from './cloud';
import { JRTCError } from './errors';
import type { Room } from './room';
import { applyChanges, applySnapshot, emptyRoster, hasChanged } from './roster';
import type { Roster, RosterEvent } from './roster';
import { emptyInbox, takeSignals } from './signals';
import type { SignalInbox } from './signals';

/** A watch snapshot folded into a roster (a re-watch's full snapshot is diffed, changes applied). */
function fold(roster: Roster, snapshot: WatchSnapshot) {
  return isInit(snapshot) ? applySnapshot(roster, docsOf(snapshot)) : applyChanges(roster, snapshot.docChanges);
}

/**
 * The live feed, a part of its Room: what the watches deliver, turned into the room's events, each
 * exactly once also across re-watches and rejoins (the pure roster.ts and signals.ts keep the books).
 */
export class RoomFeed {
  roster: Roster = emptyRoster;
  /** Raised hands, as the anchors' hands watch shows them. */
  hands: Roster = emptyRoster;
  private roomVersion = 0;
  /** The stage cap as last seen. */
  cap?: number;
  /** The room-wide mute (muteAll) as last seen. */
  allMute = false;
  /** The room's media backend (fixed at its creation). */
  backend: MediaBackend = 'rtmp';
  /** Streams announced with streamPublished, by userId (their streamId). */
  private announced = new Map<string, string>();
  /** The books of the two signal watches: [room-wide, your inbox]. */
  private inboxes: SignalInbox[] = [emptyInbox, emptyInbox];
  private wasInvited = false;

  constructor(private readonly host: Room) {}

  /** The live roster's members. */
  get members(): Member[] {
    return Array.from(this.roster.members.values());
  }

  onMembers(snapshot: WatchSnapshot): void {
    const update = fold(this.roster, snapshot);
    this.roster = update.roster;
    update.events.forEach((e) => this.report(e));
    // Your own member enters the roster silently; a page that draws from `members` redraws here.
    if (isInit(snapshot)) this.host.emit('rosterSynced');
  }

  /** Hands entering the watch are raised, hands leaving it lowered. */
  onHands(snapshot: WatchSnapshot): void {
    const update = fold(this.hands, snapshot);
    this.hands = update.roster;
    for (const e of update.events) if (e.type !== 'updated') this.host.emit(e.type === 'joined' ? 'handRaised' : 'handLowered', e.member);
  }

  /** Your own member document: `invited` flipping on. */
  onOwn(snapshot: WatchSnapshot): void {
    const doc = docsOf(snapshot)[0];
    const invited = !!doc && doc.invited === true;
    if (invited && !this.wasInvited) this.host.emit('invited');
    this.wasInvited = invited;
  }

  /**
   * Signals from the room-wide watch (`box` 0) and your inbox (1): the page's, and the
   * service's own (a kick reaches you at once). A room-wide signal that also carries your OPENID
   * matches both watches; the room-wide one delivers it, so each signal comes once.
   */
  onSignals(snapshot: WatchSnapshot, box: number): void {
    const { inbox, signals } = takeSignals(this.inboxes[box], snapshot, this.host.userId);
    this.inboxes[box] = inbox;
    for (const s of signals) {
      if (box && !s.direct) continue;
      if (s.type === SystemSignal.KICKED) {
        this.host.end(ErrorCode.KICKED, new JRTCError(ErrorCode.KICKED, 'kicked', s.payload));
      } else if (s.type !== SystemSignal.INVITED && this.host.currentState !== 'disconnected') {
        this.host.emit('signal', s);
      }
    }
  }

  /** The room document (from its watch, or a reply): counts and owner, never older than what was shown. */
  onRoom(found: Record<string, unknown> | undefined): void {
    const doc = found || {};
    const version = typeof doc.version === 'number' ? doc.version : 0;
    if (found && version < this.roomVersion) return;
    this.roomVersion = version;
    this.cap = doc.maxAnchors as number | undefined;
    if (doc.backend) this.backend = doc.backend as MediaBackend;
    const allMuted = doc.allMuted === true;
    if (allMuted !== this.allMute) {
      this.allMute = allMuted;
      this.host.emit('allMutedChanged', allMuted);
    }
    const owner = doc.ownerUserId;
    if (typeof owner === 'string' && owner !== this.host.currentOwner) {
      this.host.currentOwner = owner;
      this.host.emit('ownerChanged', owner);
    }
    const broadcasterCount = Number(doc.broadcasterCount) || 0;
    const audienceCount = Number(doc.audienceCount) || 0;
    const c = this.host.currentCounts;
    if (c.broadcasterCount === broadcasterCount && c.audienceCount === audienceCount) return;
    this.host.currentCounts = { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
    this.host.emit('countsChanged', this.host.counts);
  }

  /** Turns one roster event into the page's events. */
  private report(e: RosterEvent): void {
    // Only the anchors-only watch has moves: in by promotion, out by demotion.
    const member: Member = e.type === 'left' && e.moved ? Object.assign({}, e.member, { role: Role.AUDIENCE }) : e.member;
    const self = member.userId === this.host.userId;
    const before = this.host.currentRole;
    if (self && (e.type !== 'left' || e.moved)) this.host.setOwnRole(member.role);
    // First: a stream that stops is withdrawn before its member leaves or steps down (a new stream is
    // announced later anyway, once its pull URL is signed).
    if (!self) this.syncStream(member, e.type !== 'left' && member.stream.publishing ? member.stream.streamId : '');
    if (e.type === 'updated') {
      if (e.previous.role !== member.role) this.host.emit('roleChanged', member, e.previous.role);
      if (hasChanged(member, e.previous)) this.host.emit('memberUpdated', member, e.previous);
    } else if (e.moved) {
      this.host.emit('roleChanged', member, e.type === 'left' ? Role.ANCHOR : Role.AUDIENCE);
    } else if (!self) {
      this.host.emit(e.type === 'joined' ? 'memberJoined' : 'memberLeft', member);
    } else if (e.type === 'joined' && member.role !== before) {
      // You entered the anchors watch without a move the roster saw (a re-watch's full snapshot, or
      // a new document): the owner promoted you meanwhile.
      this.host.emit('roleChanged', member, before);
    }
  }

  /** Announces or withdraws another member's stream so that the page hears of each exactly once. */
  private syncStream(member: Member, wanted: string): void {
    const announced = this.announced.get(member.userId);
    if (announced !== undefined && announced !== wanted) {
      this.announced.delete(member.userId);
      this.host.emit('streamUnpublished', member);
    }
    if (!wanted || announced === wanted) return;
    this.host.subscribe({ userIds: [member.userId] }).then(
      (streams) => {
        const stream = streams.filter((s) => s.userId === member.userId)[0];
        const now = this.members.filter((m) => m.userId === member.userId)[0];
        // The roster may have moved on while the URL was on its way: announce only what still holds.
        if (!stream || !now || !now.stream.publishing || now.stream.streamId !== wanted) return;
        if (this.host.currentState === 'disconnected' || this.announced.has(member.userId)) return;
        this.announced.set(member.userId, wanted);
        this.host.emit('streamPublished', now, stream);
      },
      (err: JRTCError) => {
        if (this.host.currentState !== 'disconnected') this.host.emit('error', err);
      },
    );
  }
}
