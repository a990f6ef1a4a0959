/**
 * Customer service as a real call: both sides listen for calls (the calls bundle's Calls) as soon
 * as the page opens and see their own userId, to share; the agent types the customer's userId and
 * rings; the customer's page rings (accept / decline); both then talk in the call's room, drawn by a
 * Stage like the other pages (pusher, players, mute); busy, no answer, declined, canceled and hang-up
 * end the call with words for each side. Opened from the ring message (`?callId=&appId=`), the page
 * shows that call ringing. After a call, a tap can allow ringing while the app is closed.
 */
import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';
import type { CloudLike } from '../../lib/jrtc-miniapp.min';
import { Calls } from '../../lib/jrtc-calls.min';
import type { CallView, EndReason, VoipPlatform } from '../../lib/jrtc-calls.min';
import { demoConfig } from '../../utils/config';
import { describeError } from '../../utils/errors';
import { isId } from '../../utils/query';
import { Stage, initialStageData } from '../../utils/stage';
import type { StageData } from '../../utils/stage';
import { issueToken } from '../../utils/token';
import { durationWords, endWords } from './callWords';
import type { ServiceEntry } from './serviceEntry';

/** Where the page is: `starting` (listening on its way), `idle`, `calling` (you ring), `ringing` (you are rung), `talking`, `ended`. */
export type Phase = 'starting' | 'idle' | 'calling' | 'ringing' | 'talking' | 'ended';

/** The service page's data. */
export interface ServiceData extends StageData {
  part: string;
  phase: Phase;
  /** Your userId: whom the other side rings. */
  me: string;
  /** (Agent) the customer's userId as typed. */
  callee: string;
  /** The other party, by name. */
  peer: string;
  callId: string;
  /** The last call's end, in words ('' while none ended). */
  ended: string;
  /** The last call's end reason ('' while none ended). */
  endReason: string;
  /** How long the last call talked (`m:ss`), '' when it was never answered. */
  talked: string;
  /** The deployment can ring this phone while the app is closed and you have not allowed it yet. */
  canAskRing: boolean;
}

/** The page's data before listening. */
export function initialServiceData(): ServiceData {
  return { ...initialStageData(), part: 'agent', phase: 'starting', me: '', callee: '', peer: '', callId: '', ended: '', endReason: '', talked: '', canAskRing: false };
}

/** The room a listening token names: any room does (listenCalls checks the user, not the room). */
const INBOX_ROOM = 'calls-inbox';
/** Shown in the ring message (its `thing2` field). */
const SUBJECT = 'Customer service';

/** One service page's session (see the file comment). */
export class ServiceDesk {
  private client?: JRTCMiniappClient;
  private calls?: Calls;
  private stage?: Stage;
  private phase: Phase = 'starting';
  private callId = '';
  private peer = '';
  private caller = false;
  /** You ended the call yourself (the words say "you declined", not "they declined"). */
  private byMe = false;
  /** Cancel was tapped while the ring was still on its way (its call id not known yet): cancel once it is. */
  private cancelAsked = false;
  private nickName = '';
  private closed = false;

  private backend: ServiceEntry['backend'] = 'rtmp';

  /** `voip`: the phone's VoIP chat APIs, read at load (utils/cloud.ts platformVoip), for calls on WeChat VoIP. */
  constructor(
    private readonly cloud: CloudLike,
    private readonly render: (patch: Partial<ServiceData>) => void,
    private readonly voip?: VoipPlatform,
  ) {}

  /** The Stage of the call being talked (media events go to it); undefined between calls. */
  get media(): Stage | undefined {
    return this.stage;
  }

  /**
   * Listens for calls as `entry`'s user (default: your WeChat identity's). From a ring message the
   * call's own view names the user it rang, which may be another userId of yours: then listen as that one.
   */
  async open(entry: ServiceEntry): Promise<void> {
    this.nickName = entry.nickName;
    this.backend = entry.backend;
    this.render({ part: entry.part, phase: 'starting' });
    this.client = JRTCMiniappClient.init({ ...demoConfig, cloud: this.cloud });
    try {
      let calls = await this.listen(entry.userId);
      const rung = entry.callId ? (await calls.records(10)).filter((c) => c.callId === entry.callId)[0] : undefined;
      if (rung && rung.userId !== calls.userId) {
        await calls.stop();
        calls = await Calls.listen(this.client, { userId: rung.userId, nickName: this.nickName || rung.userId });
      }
      if (this.closed) return void calls.stop();
      this.follow(calls);
      this.setPhase('idle', { me: calls.userId, canAskRing: calls.ringTemplateIds.length > 0 });
      // A ring still on arrives with the watch (callInvited); one that ended before the page opened is a missed call.
      if (rung && rung.state === 'ended' && this.phase === 'idle') this.showEnd(rung, rung.reason || 'hangup', false);
    } catch (err) {
      this.report(err);
    }
  }

  /** (Agent) the customer's userId, as typed. */
  setCallee(userId: string): void {
    this.render({ callee: userId.trim() });
  }

  /** (Agent) rings `callee` from a room of its own for this call. */
  async ring(callee: string): Promise<void> {
    const calls = this.calls;
    if (!calls || (this.phase !== 'idle' && this.phase !== 'ended')) return;
    if (!isId(callee) || callee === calls.userId) return this.report(new Error(`Type the customer's userId (not your own)`));
    this.beginCall('calling', '', callee, true);
    try {
      // A fresh room per call: a call's room is a room like any other, and nobody else is in it.
      const userRoomId = `svc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      const token = await issueToken(this.cloud, { appId: demoConfig.appId, userRoomId, userId: calls.userId });
      const view = await calls.call({ ...token, role: 1, nickName: this.nickName || calls.userId, callees: [callee], data: { subject: SUBJECT }, backend: this.backend });
      this.callId = view.callId;
      this.render({ callId: view.callId });
      // Busy and unreachable end at once; the call's events came before its id was known here.
      if (view.state === 'ended') return this.showEnd(view, view.reason || 'hangup');
      if (this.cancelAsked) {
        this.cancelAsked = false;
        await calls.cancel(view.callId);
        return;
      }
      this.talkIn(view.userRoomId);
      if (calls.calls.some((c) => c.callId === view.callId && c.callState === 'active')) this.setPhase('talking');
    } catch (err) {
      this.failed(err);
    }
  }

  /** Answers the ringing call and joins its room. */
  async accept(): Promise<void> {
    const calls = this.calls;
    if (!calls || this.phase !== 'ringing') return;
    try {
      const room = await calls.accept(this.callId);
      if (this.phase !== 'ringing') return;
      this.talkIn(room.userRoomId);
      this.setPhase('talking');
    } catch (err) {
      this.failed(err);
    }
  }

  /** Declines the ringing call, cancels yours, or hangs up: whichever the call stands at. */
  async hangUp(): Promise<void> {
    const calls = this.calls;
    if (!calls || (this.phase !== 'calling' && this.phase !== 'ringing' && this.phase !== 'talking')) return;
    this.byMe = true;
    // The callee may ring before the caller's own reply arrives: a tap then cancels as soon as it does.
    if (!this.callId) {
      this.cancelAsked = this.phase === 'calling';
      return;
    }
    try {
      // The SDK's reject / cancel / hangUp are one action on the server; each says what it means here.
      if (this.phase === 'ringing') await calls.reject(this.callId);
      else if (this.phase === 'calling') await calls.cancel(this.callId);
      else await calls.hangUp(this.callId);
    } catch (err) {
      this.failed(err);
    }
  }

  /** Mutes or unmutes your microphone in the call. */
  async setMuted(muted: boolean): Promise<void> {
    if (this.stage) await this.stage.setMuted(muted);
  }

  /** Asks (from the tap) to be rung while the app is closed: one ring per "allow", as WeChat's subscription messages go. */
  async allowRingWhenClosed(): Promise<void> {
    const calls = this.calls;
    if (!calls) return;
    try {
      const allowed = await calls.askToRingWhenClosed();
      this.render({ canAskRing: !allowed, notice: allowed ? 'You will be rung once while the app is closed' : 'Not allowed: you are rung only while the app is open' });
    } catch (err) {
      this.report(err);
    }
  }

  /** The page goes: ends a call still on, stops listening, leaves and destroys the client. */
  async close(): Promise<void> {
    this.closed = true;
    const { calls, client } = this;
    this.dropStage();
    if (calls && this.callId && (this.phase === 'calling' || this.phase === 'ringing' || this.phase === 'talking')) await calls.hangUp(this.callId).catch(() => undefined);
    if (calls) await calls.stop();
    if (client) {
      try {
        await client.leaveRoom();
      } finally {
        await client.destroy();
      }
    }
  }

  private async listen(userId: string): Promise<Calls> {
    const client = this.client as JRTCMiniappClient;
    // A token for the user lets a userId not bound to your identity yet be listened for (and binds it).
    const token = await issueToken(this.cloud, userId ? { appId: demoConfig.appId, userRoomId: INBOX_ROOM, userId } : { appId: demoConfig.appId, userRoomId: INBOX_ROOM });
    const { nonce, timestamp, userRoomId } = token;
    return Calls.listen(client, { userId: token.userId, nickName: this.nickName || token.userId, token: { token: token.token, nonce, timestamp, userRoomId } });
  }

  private follow(calls: Calls): void {
    this.calls = calls;
    calls.on('callInvited', (call) => {
      // Busy is the server's to decide: a second ring never reaches a phone in a call. Between calls it rings.
      if (this.phase !== 'idle' && this.phase !== 'ended') return;
      const from = call.parties[0];
      this.beginCall('ringing', call.callId, (from && from.nickName) || call.callerUserId, false);
    });
    calls.on('callAccepted', (call) => {
      if (call.callId === this.callId && this.phase === 'calling') this.setPhase('talking');
    });
    calls.on('callEnded', (call, reason) => {
      if (call.callId === this.callId) this.showEnd(call, reason);
    });
  }

  private beginCall(phase: 'calling' | 'ringing', callId: string, peer: string, caller: boolean): void {
    this.callId = callId;
    this.cancelAsked = false;
    this.peer = peer;
    this.caller = caller;
    this.byMe = false;
    this.setPhase(phase, { callId, peer, ended: '', endReason: '', talked: '', notice: '' });
  }

  /** Draws the call's room (already joined by Calls) with a Stage. */
  private talkIn(userRoomId: string): void {
    const client = this.client;
    const room = client && client.room;
    if (!client || !room || room.userRoomId !== userRoomId || this.closed) return;
    this.dropStage();
    this.stage = new Stage(this.cloud, (patch) => this.render(patch), this.voip);
    this.stage.adopt(client, room, { appId: demoConfig.appId, userRoomId, userId: room.userId });
  }

  private showEnd(call: CallView, reason: EndReason, byMe = this.byMe): void {
    this.dropStage();
    // The SDK leaves the room on your own hang-up; when the other side ended it, the page leaves.
    const client = this.client;
    if (client && client.room && client.room.userRoomId === call.userRoomId) client.leaveRoom().catch(() => undefined);
    const peer = this.peer || call.callerUserId;
    const talked = call.answeredAt !== undefined && call.endedAt !== undefined ? durationWords(call.endedAt - call.answeredAt) : '';
    this.setPhase('ended', {
      ended: endWords(reason, { caller: this.caller, byMe, peer }),
      endReason: reason,
      talked,
      peer,
      callId: call.callId,
    });
  }

  private dropStage(): void {
    if (this.stage) this.stage.release();
    this.stage = undefined;
    this.render({ seats: [], pushUrl: '', muted: false, speaker: '', state: 'joining' });
  }

  private setPhase(phase: Phase, patch: Partial<ServiceData> = {}): void {
    this.phase = phase;
    this.render({ ...patch, phase });
  }

  /** A call action failed: the call is over for this page (the server ends it on its side by time). */
  private failed(err: unknown): void {
    this.dropStage();
    this.setPhase(this.calls ? 'idle' : 'starting', { notice: describeError(err), callId: '' });
    this.callId = '';
  }

  private report(err: unknown): void {
    if (!this.closed) this.render({ notice: describeError(err) });
  }
}
