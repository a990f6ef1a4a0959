/**
 * The online class on top of a Stage: the teacher owns the room and makes it invite-only with at
 * most MAX_PLAYERS anchors (the teacher included, though never refused itself), sees the raised
 * hands and invites, promotes or sends back students; a student raises a hand and takes the stage
 * once invited (or is put there by the teacher), unless the stage is full. Taking the stage is the
 * JRTC form's setRole(1); the class's control (stage policy, hands, invitations, promote and
 * demote) is the Room's, which JRTC's API has no calls for.
 */
import type { CloudLike, Member } from '../../lib/jrtc-miniapp.min';
import { MAX_PLAYERS } from '../../utils/config';
import type { RoomEntry } from '../../utils/query';
import { Stage, initialStageData } from '../../utils/stage';
import type { StageData } from '../../utils/stage';

/** A raised hand as the teacher's list shows it. */
export interface Hand {
  userId: string;
  nickName: string;
  /** Invited already (waiting for the student to accept). */
  invited: boolean;
}

/** The class page's data. */
export interface ClassData extends StageData {
  room: string;
  nickName: string;
  teacher: boolean;
  /** (Teacher) raised hands, oldest first. */
  hands: Hand[];
  /** (Student) your hand is up. */
  handRaised: boolean;
  /** (Student) the teacher invited you on stage: show accept / decline. */
  invited: boolean;
}

/** The class page's data before joining. */
export function initialClassData(): ClassData {
  return { ...initialStageData(), room: '', nickName: '', teacher: false, hands: [], handRaised: false, invited: false };
}

/** A hand for the list, from a member. */
function handOf(member: Member): Hand {
  return { userId: member.userId, nickName: member.nickName || member.userId, invited: member.invited === true };
}

/** One class page's session (see the file comment). */
export class Classroom {
  /** The room link underneath. */
  readonly stage: Stage;
  private hands: Hand[] = [];
  /** (Student) your hand is up, as the server last said. */
  private handUp = false;

  constructor(cloud: CloudLike, private readonly render: (patch: Partial<ClassData>) => void) {
    this.stage = new Stage(cloud, render);
  }

  /**
   * Joins as teacher (anchor, owner, invite-only stage) or student (audience). The teacher's token
   * carries an owner grant, so the teacher runs the class even when students arrived first.
   */
  async open(entry: RoomEntry): Promise<void> {
    const teacher = entry.part === 'teacher';
    this.render({ room: entry.userRoomId, nickName: entry.nickName, teacher });
    const room = await this.stage.join(entry, teacher ? 1 : 2, teacher);
    const jrtcMiniapp = this.stage.jrtcMiniapp;
    if (!room || !jrtcMiniapp) return;
    // Who moves and who goes are the JRTC form's events; hands and invitations are the Room's (ours).
    jrtcMiniapp.on('UserModifyRole', (user) => {
      // On stage, a hand is down (the server lowers it too).
      if (user.role === 1) this.dropHand(user.userId);
      if (user.userId === room.userId && user.role === 1) {
        this.setOwnHand(false);
        this.render({ invited: false });
      }
    });
    jrtcMiniapp.on('UserLeavedRoom', (user) => this.dropHand(user.userId));
    room.on('handRaised', (member) => this.setHand(handOf(member)));
    room.on('handLowered', (member) => this.dropHand(member.userId));
    room.on('invited', () => this.render({ invited: true }));
    // The teacher owns the room (its owner grant), so it can close the stage whoever came first; it
    // caps the stage at what a page can play, so a student beyond it is refused (STAGE_FULL, shown
    // as the student's notice) instead of going on stage unheard.
    if (teacher) await this.stage.run((r) => r.setStagePolicy('invite', MAX_PLAYERS));
  }

  /** (Student) raises or lowers your hand. */
  async toggleHand(): Promise<void> {
    await this.stage.run(async (room) => {
      const member = this.handUp ? await room.lowerHand() : await room.raiseHand();
      this.setOwnHand(member.handRaised === true);
    });
  }

  /**
   * (Student) accepts the teacher's invitation: takes the stage and publishes (the JRTC form's
   * setRole(1), whose publishUrl the pusher plays). When that is refused (a full stage: STAGE_FULL,
   * shown as the notice) the invitation still stands on the server, so the offer stays and the
   * student can accept again once a seat is free.
   */
  async accept(): Promise<void> {
    this.render({ invited: false });
    if (await this.stage.goOnStage()) this.setOwnHand(false);
    else if (this.stage.room) this.render({ invited: true });
  }

  /** (Student) declines the invitation. */
  decline(): void {
    this.render({ invited: false });
  }

  /** (Teacher) invites a student who raised a hand. */
  async invite(userId: string): Promise<void> {
    await this.stage.run(async (room) => {
      const member = await room.inviteToStage(userId);
      if (this.hands.some((h) => h.userId === userId)) this.setHand(handOf(member));
    });
  }

  /** (Teacher) puts a student on stage at once. */
  async promote(userId: string): Promise<void> {
    await this.stage.run(async (room) => {
      await room.promote(userId);
      this.dropHand(userId);
    });
  }

  /** (Teacher) sends a student back to the audience. */
  async demote(userId: string): Promise<void> {
    await this.stage.run((room) => room.demote(userId));
  }

  /** Leaves the class. */
  leave(): Promise<void> {
    return this.stage.leave();
  }

  private setOwnHand(up: boolean): void {
    this.handUp = up;
    this.render({ handRaised: up });
  }

  private setHand(hand: Hand): void {
    const at = this.hands.map((h) => h.userId).indexOf(hand.userId);
    this.hands = at < 0 ? this.hands.concat([hand]) : this.hands.map((h, i) => (i === at ? hand : h));
    this.render({ hands: this.hands });
  }

  private dropHand(userId: string): void {
    if (!this.hands.some((h) => h.userId === userId)) return;
    this.hands = this.hands.filter((h) => h.userId !== userId);
    this.render({ hands: this.hands });
  }
}
