import type { Member } from '../../../shared/common';
import { Role, SystemSignal } from '../../../shared/constants';
import { ErrorCode } from '../../../shared/errors';
import { docsOf, isInit } from './cloud';
import type { WatchSnapshot } from './cloud';
import { JRTCError } from './errors';
import { RoomControl } from './roomControl';
import { applyChanges, applySnapshot, emptyRoster, hasChanged } from './roster';
import type { Roster, RosterEvent } from './roster';
import { emptyInbox, takeSignals } from './signals';
import type { SignalInbox } from './signals';

/** A watch snapshot folded into a roster (a re-watch's full snapshot is diffed, changes applied). */
function fold(roster: Roster, snapshot: WatchSnapshot) {
  return isInit(snapshot) ? applySnapshot(roster, docsOf(snapshot)) : applyChanges(roster, snapshot.docChanges);
}

/**
 * The live feed: what the watches deliver, turned into the page's events, each exactly once also
 * across re-watches and rejoins (the pure roster.ts and signals.ts keep the books).
 */
export class RoomFeed extends RoomControl {
  /** @internal */
  protected roster: Roster = emptyRoster;
  /** @internal Raised hands, as the anchors' hands watch shows them. */
  protected hands: Roster = emptyRoster;
  /** @internal */
  protected roomVersion = 0;
  /** @internal The stage cap as last seen. */
  protected cap?: number;
  /** @internal The room-wide mute (muteAll) as last seen. */
  protected allMute = false;
  /** Streams announced with streamPublished, by userId (their streamId). */
  private announced = new Map<string, string>();
  /** The books of the two signal watches: [room-wide, your inbox]. */
  private inboxes: SignalInbox[] = [emptyInbox, emptyInbox];
  private wasInvited = false;

  /** The live roster (anchors, or everyone with rosterScope 'all'), you included when on it. */
  get members(): Member[] {
    return Array.from(this.roster.members.values());
  }

  /**
   * The stage cap (setStagePolicy's maxAnchors) as last seen (join reply, the room watch, your
   * setStagePolicy's reply), undefined when none: becoming an anchor while `counts.broadcasterCount`
   * is at it answers STAGE_FULL (the owner excepted). It has no event of its own; read it when you
   * draw (`countsChanged` tells when the stage fills up or frees a seat).
   */
  get maxAnchors(): number | undefined {
    return this.cap;
  }

  /**
   * True while the owner muted the whole room (muteAll): keep your microphone closed unless you are
   * the owner (`<live-pusher muted="{{room.allMuted && !isOwner || ownMuted}}">`); later joiners see
   * it at once. Changes come as `allMutedChanged`.
   */
  get allMuted(): boolean {
    return this.allMute;
  }

  /** (Anchors) The members whose hand is up. */
  get raisedHands(): Member[] {
    return Array.from(this.hands.members.values());
  }

  /** @internal */
  protected onMembers(snapshot: WatchSnapshot): void {
    const update = fold(this.roster, snapshot);
    this.roster = update.roster;
    update.events.forEach((e) => this.report(e));
    // Your own member enters the roster silently; a page that draws from `members` redraws here.
    if (isInit(snapshot)) this.emit('rosterSynced');
  }

  /** @internal Hands entering the watch are raised, hands leaving it lowered. */
  protected onHands(snapshot: WatchSnapshot): void {
    const update = fold(this.hands, snapshot);
    this.hands = update.roster;
    for (const e of update.events) if (e.type !== 'updated') this.emit(e.type === 'joined' ? 'handRaised' : 'handLowered', e.member);
  }

  /** @internal Your own member document: `invited` flipping on. */
  protected onOwn(snapshot: WatchSnapshot): void {
    const doc = docsOf(snapshot)[0];
    const invited = !!doc && doc.invited === true;
    if (invited && !this.wasInvited) this.emit('invited');
    this.wasInvited = invited;
  }

  /**
   * @internal Signals from the room-wide watch (`box` 0) and your inbox (1): the page's, and the
   * service's own (a kick reaches you at once). A room-wide signal that also carries your OPENID
   * matches both watches; the room-wide one delivers it, so each signal comes once.
   */
  protected onSignals(snapshot: WatchSnapshot, box: number): void {
    const { inbox, signals } = takeSignals(this.inboxes[box], snapshot, this.userId);
    this.inboxes[box] = inbox;
    for (const s of signals) {
      if (box && !s.direct) continue;
      if (s.type === SystemSignal.KICKED) {
        this.end(ErrorCode.KICKED, new JRTCError(ErrorCode.KICKED, 'kicked', s.payload));
      } else if (s.type !== SystemSignal.INVITED && this.currentState !== 'disconnected') {
        this.emit('signal', s);
      }
    }
  }

  /** @internal The room document (from its watch, or a reply): counts and owner, never older than what was shown. */
  protected override onRoom(found: Record<string, unknown> | undefined): void {
    const doc = found || {};
    const version = typeof doc.version === 'number' ? doc.version : 0;
    if (found && version < this.roomVersion) return;
    this.roomVersion = version;
    this.cap = doc.maxAnchors as number | undefined;
    const allMuted = doc.allMuted === true;
    if (allMuted !== this.allMute) {
      this.allMute = allMuted;
      this.emit('allMutedChanged', allMuted);
    }
    const owner = doc.ownerUserId;
    if (typeof owner === 'string' && owner !== this.currentOwner) {
      this.currentOwner = owner;
      this.emit('ownerChanged', owner);
    }
    const broadcasterCount = Number(doc.broadcasterCount) || 0;
    const audienceCount = Number(doc.audienceCount) || 0;
    const c = this.currentCounts;
    if (c.broadcasterCount === broadcasterCount && c.audienceCount === audienceCount) return;
    this.currentCounts = { total: broadcasterCount + audienceCount, broadcasterCount, audienceCount };
    this.emit('countsChanged', this.counts);
  }

  /** Turns one roster event into the page's events. */
  private report(e: RosterEvent): void {
    // Only the anchors-only watch has moves: in by promotion, out by demotion.
    const member: Member = e.type === 'left' && e.moved ? Object.assign({}, e.member, { role: Role.AUDIENCE }) : e.member;
    const self = member.userId === this.userId;
    const before = this.currentRole;
    if (self && (e.type !== 'left' || e.moved)) this.setOwnRole(member.role);
    // First: a stream that stops is withdrawn before its member leaves or steps down (a new stream is
    // announced later anyway, once its pull URL is signed).
    if (!self) this.syncStream(member, e.type !== 'left' && member.stream.publishing ? member.stream.streamId : '');
    if (e.type === 'updated') {
      if (e.previous.role !== member.role) this.emit('roleChanged', member, e.previous.role);
      if (hasChanged(member, e.previous)) this.emit('memberUpdated', member, e.previous);
    } else if (e.moved) {
      this.emit('roleChanged', member, e.type === 'left' ? Role.ANCHOR : Role.AUDIENCE);
    } else if (!self) {
      this.emit(e.type === 'joined' ? 'memberJoined' : 'memberLeft', member);
    } else if (e.type === 'joined' && member.role !== before) {
      // You entered the anchors watch without a move the roster saw (a re-watch's full snapshot, or
      // a new document): the owner promoted you meanwhile.
      this.emit('roleChanged', member, before);
    }
  }

  /** Announces or withdraws another member's stream so that the page hears of each exactly once. */
  private syncStream(member: Member, wanted: string): void {
    const announced = this.announced.get(member.userId);
    if (announced !== undefined && announced !== wanted) {
      this.announced.delete(member.userId);
      this.emit('streamUnpublished', member);
    }
    if (!wanted || announced === wanted) return;
    this.subscribe({ userIds: [member.userId] }).then(
      (streams) => {
        const stream = streams.filter((s) => s.userId === member.userId)[0];
        const now = this.members.filter((m) => m.userId === member.userId)[0];
        // The roster may have moved on while the URL was on its way: announce only what still holds.
        if (!stream || !now || !now.stream.publishing || now.stream.streamId !== wanted) return;
        if (this.currentState === 'disconnected' || this.announced.has(member.userId)) return;
        this.announced.set(member.userId, wanted);
        this.emit('streamPublished', now, stream);
      },
      (err: JRTCError) => {
        if (this.currentState !== 'disconnected') this.emit('error', err);
      },
    );
  }
}
