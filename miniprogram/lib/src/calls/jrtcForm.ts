/**
 * Calls in the JRTC form: methods on the JRTC client (`jrtcMiniapp.listenCalls()`, `call`,
 * `acceptCall`, `rejectCall`, `cancelCall`, `hangUp`, `getCallRecords`) answering JRTC's reply shape
 * (`{code: 200, data, reason: ''}`, JRTCFailure on error), and the call events under JRTC-style
 * names on the client (`jrtcMiniapp.on('CallInvited', ...)`, events.ts). Importing the calls bundle
 * adds them.
 */
import JRTCMiniappClient, { JRTCError, JRTCFailure } from '../index';
import { VoipChat } from './voip';
import type { JRTCReply, Room } from '../index';
import { Calls } from './calls';
import type { CallParams, ListenOptions } from './calls';
import { JRTC_CALL_EVENTS } from './events';
import type { CallEventCallbacks, CallView } from './events';
import type { EndReason } from '../../../../shared/callWords';

/** The JRTC-form call methods the calls bundle adds to the client. */
export interface JRTCCallMethods {
  /** Starts listening for calls to your user (see Calls.listen); `data` is the Calls. */
  listenCalls(options?: ListenOptions): Promise<JRTCReply<{ data: Calls }>>;
  /** Rings `callees` from your room (joined first from the enterRoomInfo fields when you are in none). */
  call(params: CallParams): Promise<JRTCReply<{ data: CallView }>>;
  /** Answers a call and joins its room. */
  acceptCall(callId: string): Promise<JRTCReply<{ data: Room }>>;
  /** Declines a ringing call. */
  rejectCall(callId: string): Promise<JRTCReply<{ data: CallView }>>;
  /** Stops ringing your call before anyone answered. */
  cancelCall(callId: string): Promise<JRTCReply<{ data: CallView }>>;
  /** Hangs up (leaves the call's room). */
  hangUp(callId: string): Promise<JRTCReply<{ data: CallView }>>;
  /** Your calls, newest first. */
  getCallRecords(limit?: number): Promise<JRTCReply<{ data: CallView[] }>>;
  /** Joins the current `voip` room's WeChat VoIP chat (see VoipChat: its events, setMuted, leave). */
  joinVoIPChat(): Promise<JRTCReply<{ data: VoipChat }>>;
}

/** The Calls of each client (made by listenCalls; the other methods need it). */
const byClient = new WeakMap<JRTCMiniappClient, Promise<Calls>>();

/** A client's Calls, started on first use with default options. */
function callsOf(client: JRTCMiniappClient, options?: ListenOptions): Promise<Calls> {
  let calls = byClient.get(client);
  if (!calls) {
    calls = Calls.listen(client, options).then((c) => {
      // The call events on the client, under their JRTC names; stopped with the client.
      (Object.keys(JRTC_CALL_EVENTS) as Array<keyof CallEventCallbacks>).forEach((name) =>
        c.on(name, ((...args: unknown[]) => client.emit(JRTC_CALL_EVENTS[name] as 'signal', ...(args as [never]))) as never),
      );
      const destroy = client.destroy.bind(client);
      client.destroy = () => c.stop().then(destroy);
      return c;
    });
    calls.catch(() => byClient.delete(client));
    byClient.set(client, calls);
  }
  return calls;
}

/** Runs `work` on the client's Calls and answers JRTC's reply shape. */
async function reply<T>(client: JRTCMiniappClient, work: (calls: Calls) => Promise<T>): Promise<JRTCReply<{ data: T }>> {
  try {
    return { code: 200, reason: '', data: await work(await callsOf(client)) };
  } catch (err) {
    throw JRTCFailure.from(err);
  }
}

const methods: JRTCCallMethods & ThisType<JRTCMiniappClient> = {
  listenCalls(options) {
    callsOf(this, options);
    return reply(this, async (c) => c);
  },
  call(params) {
    return reply(this, (c) => c.call(params));
  },
  acceptCall(callId) {
    return reply(this, (c) => c.accept(callId));
  },
  rejectCall(callId) {
    return reply(this, (c) => c.reject(callId));
  },
  cancelCall(callId) {
    return reply(this, (c) => c.cancel(callId));
  },
  hangUp(callId) {
    return reply(this, (c) => c.hangUp(callId));
  },
  getCallRecords(limit) {
    return reply(this, (c) => c.records(limit));
  },
  async joinVoIPChat() {
    try {
      const room = this.room;
      if (!room) throw JRTCError.invalidState('join a room first');
      const chat = new VoipChat(room);
      await chat.join();
      return { code: 200, reason: '', data: chat };
    } catch (err) {
      throw JRTCFailure.from(err);
    }
  },
};

/** Adds the call methods to the JRTC client (the calls bundle does it when loaded). */
export function installCallMethods(): void {
  Object.assign(JRTCMiniappClient.prototype, methods);
}

declare module '../client' {
  // The client gains the call methods once the calls bundle is loaded.
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface JRTCMiniappClient extends JRTCCallMethods {}
  /** The call events on the client (events.ts says when each fires). */
  interface JRTCExtraEvents {
    CallInvited: (call: CallView) => void;
    CallAccepted: (call: CallView) => void;
    CallUpdated: (call: CallView) => void;
    CallEnded: (call: CallView, reason: EndReason) => void;
  }
}
