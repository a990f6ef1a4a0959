/**
 * The demo's customer-service scene, after the class: one call between two SDK clients, each
 * listening for calls with the calls bundle's source (Calls). The agent rings, the customer's phone
 * rings and answers, both talk (real audio through the local media server when it runs and ffmpeg
 * is there: each side's microphone is a tone, the other side measures what it heard), and the agent
 * hangs up. Each call event is checked to arrive exactly once, and the record says how it ended.
 */
import { Calls } from '../../miniprogram/lib/src/calls/index';
import type { CallEventCallbacks, CallView } from '../../miniprogram/lib/src/calls/index';
import type { Room } from '../../miniprogram/lib/src/index';
import { appToken, demoUser, signOff } from './demoClass';
import type { DemoCloud, DemoUser } from './demoClass';
import { ffmpegUsable, listen, speak } from './demoAudio';

/** The call's room. */
const CALL_ROOM = 'demo-call';
/** Each microphone's tone: the agent's and the customer's, told apart by pitch. */
const TONES = { agent: 440, customer: 660 } as const;
const TALK_SECONDS = 2;

/** One side of the call: a demo user listening for calls, and the call events it heard, in words. */
interface Side extends DemoUser {
  calls: Calls;
  heard: string[];
}

/** The call scene's cast and state. */
export class DemoCall {
  callId = '';
  private constructor(readonly cloud: DemoCloud, readonly agent: Side, readonly customer: Side) {}

  /** Both phones listen for calls (a token for each user, as the app's server would give it). */
  static async open(cloud: DemoCloud): Promise<DemoCall> {
    const side = async (userId: 'agent' | 'customer', nickName: string): Promise<Side> => {
      const user = demoUser(cloud, userId, nickName, 'all');
      const { token, nonce, timestamp, userRoomId } = appToken(cloud, 'calls-inbox', userId);
      const calls = await Calls.listen(user.client, { userId, nickName, token: { token, nonce, timestamp, userRoomId } });
      const heard: string[] = [];
      const events: Array<keyof CallEventCallbacks> = ['callInvited', 'callAccepted', 'callEnded'];
      for (const name of events) calls.on(name, ((call: CallView, reason?: string) => heard.push(`${name}${reason ? `:${reason}` : ''}`)) as never);
      return { ...user, calls, heard };
    };
    return new DemoCall(cloud, await side('agent', 'Agent Zhao'), await side('customer', 'Customer Qian'));
  }

  /** Resolves once `side` heard `event` (e.g. `callEnded:hangup`); rejects after `ms`. */
  async heard(side: Side, event: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (side.heard.indexOf(event) < 0) {
      if (Date.now() > deadline) throw new Error(`${side.userId} never heard ${event} (heard ${side.heard.join(', ') || 'nothing'})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The call's room on `side` (joined by call / accept). */
  room(side: Side): Room {
    const room = side.client.room;
    if (!room) throw new Error(`${side.userId} is in no room`);
    return room;
  }

  /** Stops listening and signs both clients off. */
  async close(): Promise<void> {
    for (const side of [this.agent, this.customer]) {
      await side.calls.stop().catch(() => undefined);
      await signOff(side.client).catch(() => undefined);
      side.timers.dispose();
    }
  }
}

/** One step of the call scene (see demoScenario.ts DemoStep). */
export interface CallStep {
  title: string;
  run(call: DemoCall, note: (line: string) => void): Promise<void>;
}

/** The scene's steps, in order. */
export const CALL_STEPS: readonly CallStep[] = [
  {
    title: 'Customer service: the agent rings the customer',
    async run(c, note) {
      const view = await c.agent.calls.call({ ...appToken(c.cloud, CALL_ROOM, 'agent'), role: 1, nickName: c.agent.nickName, callees: ['customer'], data: { subject: 'order 42' } });
      c.callId = view.callId;
      note(`call ${view.callId}: ${view.parties.map((p) => `${p.userId} ${p.state}`).join(', ')} (call ${view.callState})`);
      await c.heard(c.customer, 'callInvited');
      note(`customer hears CallInvited from agent: ringing, "${String((view.data as { subject?: string }).subject)}"`);
    },
  },
  {
    title: 'The customer answers',
    async run(c, note) {
      const room = await c.customer.calls.accept(c.callId);
      await c.heard(c.agent, 'callAccepted');
      await c.heard(c.customer, 'callAccepted');
      const agentRoom = c.room(c.agent);
      const deadline = Date.now() + 10_000;
      while (!agentRoom.members.some((m) => m.userId === 'customer') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      note(`agent and customer hear CallAccepted: call active in room ${room.userRoomId} (${agentRoom.members.length} members)`);
    },
  },
  {
    title: 'They talk',
    async run(c, note) {
      if (!c.cloud.media || !ffmpegUsable()) {
        note(`talk: no audio here (${c.cloud.media ? 'ffmpeg is missing' : 'the media server is off'}); the call's room is live`);
        return;
      }
      const pairs = [[c.agent, c.customer], [c.customer, c.agent]] as const;
      const mics = [];
      for (const [speaker] of pairs) mics.push(speak((await speaker.client.publish()).url, TONES[speaker.userId as 'agent' | 'customer'], TALK_SECONDS + 5));
      try {
        // A player pulling a stream that has not reached the media server yet gives up at once (as
        // <live-player> does with -2301): the players start once the microphones have had a moment.
        await new Promise((r) => setTimeout(r, 1_000));
        const ears = [];
        for (const [speaker, hearer] of pairs) {
          const { streams } = await hearer.client.subscribe();
          const stream = streams.filter((s) => s.userId === speaker.userId)[0];
          if (!stream) throw new Error(`${hearer.userId} has no stream of ${speaker.userId} to play`);
          ears.push(listen(stream.url, TALK_SECONDS, 20_000).then((h) => [speaker.userId, hearer.userId, h] as const));
        }
        for (const [speaker, hearer, h] of await Promise.all(ears)) {
          const hz = TONES[speaker as 'agent' | 'customer'];
          note(`${hearer} heard ${h.seconds} s of ${speaker}'s ${hz} Hz voice (measured ${h.hz} Hz)`);
          if (h.seconds < TALK_SECONDS / 2 || Math.abs(h.hz - hz) > hz / 10) throw new Error(`${hearer} did not hear ${speaker}: ${JSON.stringify(h)}`);
        }
      } finally {
        mics.forEach((m) => m.kill('SIGKILL'));
      }
    },
  },
  {
    title: 'The agent hangs up',
    async run(c, note) {
      await c.agent.calls.hangUp(c.callId);
      await c.heard(c.agent, 'callEnded:hangup');
      await c.heard(c.customer, 'callEnded:hangup');
      // The customer's side leaves the call's room too (its part ended with the call).
      await c.customer.client.leaveRoom();
      for (const side of [c.agent, c.customer]) {
        if (side.heard.join() !== (side === c.agent ? 'callAccepted,callEnded:hangup' : 'callInvited,callAccepted,callEnded:hangup')) {
          throw new Error(`${side.userId} heard ${side.heard.join(', ')}`);
        }
      }
      note(`agent and customer hear CallEnded: hangup (each call event once)`);
      const [record] = await c.customer.calls.records(1);
      const talked = record.answeredAt !== undefined && record.endedAt !== undefined ? (record.endedAt - record.answeredAt) / 1000 : 0;
      note(`customer's record: ${record.callerUserId} → ${record.userId}, ${record.callState}, ${record.reason}, talked ${talked.toFixed(1)} s`);
    },
  },
];
