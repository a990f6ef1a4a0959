/**
 * Calls on the Room API: listen for calls to your user, ring others, answer, decline, hang up,
 * and read your records. The function keeps the call (cloudfunctions/jrtc/src/calls/); this phone
 * watches its own views of its open calls (`jrtc_call_parties` where `_openid` is its own and
 * `open` is true), so a ring arrives with the watch, not by polling. The call's media is a room:
 * `accept` and `call` join it with the client the Calls were made for.
 */
import JRTCMiniappClient, { JRTCError, TypedEmitter, callAction, resilientWatch } from '../index';
import type { ActionName, ActionRequest, ActionResponse, CloudLike, EnterRoomInfo, ReconnectPolicy, Room, Timers, WatchSnapshot } from '../index';
import type { EndReason } from '../../../../shared/callWords';
import type { CallEventCallbacks, CallView } from './events';

/** The collection of the parties' views (shared/constants.ts Collections.callParties). */
const VIEWS = 'jrtc_call_parties';

/** The part of the client's setup (roomBase.ts RoomConfig, not mangled by the build) the calls use. */
interface Setup {
  cloud: CloudLike;
  timers: Timers;
  reconnectPolicy: ReconnectPolicy;
  callTimeoutMs: number;
}

/** What `wx.requestSubscribeMessage` takes and answers (per template id: 'accept', 'reject', 'ban', 'filter'). */
export type RequestSubscribeMessage = (options: { tmplIds: string[] }) => Promise<Record<string, string>>;

declare const wx: { requestSubscribeMessage?: (o: { tmplIds: string[]; success(r: Record<string, string>): void; fail(e: unknown): void }) => void } | undefined;

/** Options of Calls.listen. */
export interface ListenOptions {
  /** The user to listen for (default: your own userId, derived from your WeChat identity). */
  userId?: string;
  /** Shown to the other parties. */
  nickName?: string;
  /** A JRTC token for `userId` (any room), when it is not bound to your WeChat identity yet. */
  token?: ActionRequest<'listenCalls'>['token'];
  /** Asks for subscription messages (default: `wx.requestSubscribeMessage`). */
  requestSubscribeMessage?: RequestSubscribeMessage;
}

/** What `call` takes: the room to ring from (joined first unless you are in it) and whom to ring. */
export type CallParams = Partial<EnterRoomInfo> & {
  callees: string[];
  /** Anything the callees' pages need (a `subject` string shows in the ring message). */
  data?: ActionRequest<'call'>['data'];
  ringSeconds?: number;
};

/** A Room's session-aware call (roomBase.ts `call`; not mangled by the build, as platform names are not). */
type RoomCall = { call<A extends ActionName>(action: A, extra: Omit<ActionRequest<A>, 'appId' | 'userRoomId' | 'userId' | 'sessionId'>): Promise<ActionResponse<A>> };

/** The default way to ask for subscription messages: the platform's, promisified. */
const platformRequest: RequestSubscribeMessage = (o) =>
  new Promise((success, fail) => {
    if (!wx || !wx.requestSubscribeMessage) fail(JRTCError.invalidState('wx.requestSubscribeMessage is not available'));
    else wx.requestSubscribeMessage({ tmplIds: o.tmplIds, success, fail });
  });

/** Listens for calls to one user on this phone; see the file comment. Made by `Calls.listen`. */
export class Calls extends TypedEmitter<CallEventCallbacks> {
  /** The user these calls are for. */
  userId = '';
  /** The templates that ring this user when the app is closed (ask with `askToRingWhenClosed`). */
  ringTemplateIds: string[] = [];
  /** This phone's id: tells the device that answered from the user's other devices. */
  readonly deviceId = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  private readonly views = new Map<string, CallView>();
  private readonly ended = new Set<string>();
  private readonly timers = new Map<string, unknown>();
  private renewal: unknown;
  private watch?: { close(): void };
  private stopped = false;

  private constructor(
    /** The client whose rooms the calls use. */
    readonly client: JRTCMiniappClient,
    private readonly setup: Setup,
    private readonly options: ListenOptions,
  ) {
    super();
  }

  /**
   * Starts listening: the function is told this phone sees rings for the user (renewed every
   * minute while the Calls run), and the phone watches its open calls. Rejects as listenCalls does
   * (IDENTITY_MISMATCH for a userId that is not yours).
   */
  static async listen(client: JRTCMiniappClient, options: ListenOptions = {}): Promise<Calls> {
    const setup = (client as unknown as { setup: Setup | JRTCError }).setup;
    if (setup instanceof JRTCError) throw setup;
    const calls = new Calls(client, setup, options);
    await calls.renew();
    calls.watch = resilientWatch({
      open: (handlers) => setup.cloud.database().collection(VIEWS).where({ _openid: '{openid}', open: true }).watch(handlers),
      policy: setup.reconnectPolicy,
      timers: setup.timers,
      onSnapshot: (s) => calls.onSnapshot(s),
      onHealth: () => undefined,
      onGiveUp: () => undefined,
    });
    return calls;
  }

  /** Your calls that are still on for you (ringing or joined). */
  get calls(): CallView[] {
    return Array.from(this.views.values());
  }

  /**
   * Rings `callees` from a room: the one you are in, or the one `params` names (joined first, as an
   * anchor). Resolves with your view of the call; a callee that is busy or unreachable ends at once
   * (its reason in `parties`).
   */
  async call(params: CallParams): Promise<CallView> {
    let room = this.client.room;
    if (!room) room = await this.client.joinRoom({ ...(params as EnterRoomInfo), role: 1 });
    const { call } = await (room as unknown as RoomCall).call('call', { callees: params.callees, data: params.data, ringSeconds: params.ringSeconds });
    return this.seen(call);
  }

  /** Answers a ringing call (or joins one in progress) and joins its room; resolves with the room. */
  async accept(callId: string): Promise<Room> {
    const { call, join } = await this.act('acceptCall', callId, { deviceId: this.deviceId });
    this.seen(call);
    const room = this.client.room;
    if (room && room.userRoomId !== join.userRoomId) await this.client.leaveRoom();
    return room && room.userRoomId === join.userRoomId ? room : this.client.joinRoom({ ...join, role: 1, nickName: this.options.nickName });
  }

  /** Declines a ringing call. */
  reject(callId: string): Promise<CallView> {
    return this.hangUp(callId);
  }

  /** Stops ringing a call nobody answered yet. */
  cancel(callId: string): Promise<CallView> {
    return this.hangUp(callId);
  }

  /** Ends your part: declines, cancels or hangs up as the call stands, and leaves its room. */
  async hangUp(callId: string): Promise<CallView> {
    // The call first (so its reason is the one this party's state gives), told at once; then its room.
    const call = this.seen((await this.act('endCall', callId, {})).call);
    const room = this.client.room;
    if (room && room.userRoomId === call.userRoomId) await this.client.leaveRoom();
    return call;
  }

  /** Your calls, newest first (your views, read straight from the database: the rule lets you read your own). */
  async records(limit = 20): Promise<CallView[]> {
    const query = this.setup.cloud.database().collection(VIEWS).where({ _openid: '{openid}' }) as unknown as {
      orderBy(f: string, d: string): { limit(n: number): { get(): Promise<{ data: CallView[] }> } };
    };
    return (await query.orderBy('createdAt', 'desc').limit(limit).get()).data;
  }

  /**
   * Asks the user to let this deployment ring them when the app is closed (one message per "allow").
   * Call it from a tap (WeChat requires one), e.g. after a call ends. Resolves true when allowed.
   */
  async askToRingWhenClosed(): Promise<boolean> {
    if (this.ringTemplateIds.length === 0) return false;
    const answer = await (this.options.requestSubscribeMessage || platformRequest)({ tmplIds: this.ringTemplateIds });
    return answer[this.ringTemplateIds[0]] === 'accept';
  }

  /** Stops listening: no more rings in the app (a ring message may still reach the user). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.watch) this.watch.close();
    this.setup.timers.clearTimeout(this.renewal);
    this.timers.forEach((t) => this.setup.timers.clearTimeout(t));
    await this.action('listenCalls', { ...this.listenRequest(), off: true }).catch(() => undefined);
  }

  private listenRequest(): ActionRequest<'listenCalls'> {
    const { userId, nickName, token } = this.options;
    return { appId: this.client.appId, userId, nickName, token };
  }

  private async renew(): Promise<void> {
    const reply = await this.action('listenCalls', this.listenRequest());
    this.userId = reply.userId;
    this.ringTemplateIds = reply.ringTemplateIds;
    this.renewal = this.setup.timers.setTimeout(() => {
      if (!this.stopped) this.renew().catch(() => undefined);
    }, reply.renewInMs);
  }

  private action<A extends ActionName>(action: A, payload: ActionRequest<A>): Promise<ActionResponse<A>> {
    return callAction(this.setup.cloud, this.setup.timers, this.setup.callTimeoutMs, action, payload);
  }

  private act<A extends 'acceptCall' | 'endCall' | 'getCall'>(action: A, callId: string, extra: object): Promise<ActionResponse<A>> {
    return this.action(action, { appId: this.client.appId, callId, userId: this.userId, ...extra } as ActionRequest<A>);
  }

  private onSnapshot(snapshot: WatchSnapshot): void {
    const docs = Array.isArray(snapshot.docs) ? (snapshot.docs as unknown as CallView[]) : [];
    const first = snapshot.docChanges[0];
    if (snapshot.type === 'init' || (first && first.queueType === 'init')) {
      // A (re-)watch: calls this phone knew that are no longer open ended while it was not watching.
      const open = new Set(docs.map((d) => d.callId));
      this.views.forEach((v, id) => {
        if (!open.has(id)) this.act('getCall', id, {}).then((r) => this.seen(r.call), () => undefined);
      });
    }
    for (const change of snapshot.docChanges) if (change.doc) this.seen(change.doc as unknown as CallView);
  }

  /** Takes in a view (from the watch or a reply) and tells the page what changed; returns it. */
  private seen(call: CallView): CallView {
    const id = call.callId;
    const before = this.views.get(id);
    if (this.ended.has(id) || (before && before.version > call.version)) return call;
    const mine = call.userId !== call.callerUserId;
    if (mine && call.state === 'joined' && call.answeredBy !== undefined && call.answeredBy !== this.deviceId) return this.end(call, 'answeredElsewhere');
    if (call.state === 'ended') return this.end(call, call.reason || 'hangup');
    this.views.set(id, call);
    this.schedule(call);
    if (!before && call.state === 'ringing') this.emit('callInvited', call);
    else if (call.callState === 'active' && (!before || before.callState !== 'active')) this.emit('callAccepted', call);
    else if (before && before.version !== call.version) this.emit('callUpdated', call);
    return call;
  }

  private end(call: CallView, reason: EndReason): CallView {
    this.ended.add(call.callId);
    this.views.delete(call.callId);
    this.setup.timers.clearTimeout(this.timers.get(call.callId));
    this.emit('callEnded', call, reason);
    return call;
  }

  /** When a ring should be over, ask: the function decides noAnswer (the watch then tells every party). */
  private schedule(call: CallView): void {
    const { timers } = this.setup;
    timers.clearTimeout(this.timers.get(call.callId));
    if (call.ringUntil === undefined) return;
    const wait = Math.max(0, call.ringUntil - timers.now()) + 1000;
    this.timers.set(call.callId, timers.setTimeout(() => {
      this.act('getCall', call.callId, {}).then((r) => this.seen(r.call), () => undefined);
    }, wait));
  }
}
