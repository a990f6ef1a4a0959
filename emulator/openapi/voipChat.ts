/**
 * The simulated phones' real-time voice chat (wx.joinVoIPChat and its events), PROTOCOL.md "VoIP
 * chat". A phone holds one WebSocket on VOIP_PATH (its user in the x-wx-openid header); it sends
 * `{id, op, ...}` and gets `{id, errCode, errMsg, openIdList?}` back, and events `{event: 'members' |
 * 'speakers' | 'interrupted', errCode, errMsg, openIdList?}`. Groups live in memory; a socket that
 * drops leaves its group, as a phone that vanishes does.
 */
import type http from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { OPENID_HEADER, describeIssues } from '../wire';
import { userVoipSignature, type VoipSigner } from './voip';

/** The phones' voice chat socket. */
export const VOIP_PATH = '/v1/openapi/voip';
/** At most 10 users in a chat at a time (WeChat's Real-time Voice Chat guide, User Limit; PROTOCOL.md). */
export const MAX_MEMBERS = 10;
/** Stricter reading (WeChat's docs are silent): a timeStamp further than this from the cloud's clock is refused. */
export const MAX_SKEW_SECONDS = 600;

/** What WeChat answers for a signature it refuses (开放社区 reports, PROTOCOL.md); a stale timeStamp gets the same. */
export const INVALID_SIGNATURE = 'joinVoIPChat:fail: -10088, -10, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature, -1';

const mute = z.object({ muteMicrophone: z.boolean().optional(), muteEarphone: z.boolean().optional() });
const request = z.discriminatedUnion('op', [
  z.object({ op: z.literal('join'), groupId: z.string().min(1), nonceStr: z.string(), timeStamp: z.number(), signature: z.string(), muteConfig: mute.optional() }),
  z.object({ op: z.literal('exit') }),
  z.object({ op: z.literal('mute'), muteConfig: mute }),
  z.object({ op: z.literal('speak'), on: z.boolean() }),
  z.object({ op: z.literal('interrupt') }),
]);
const API = { join: 'joinVoIPChat', exit: 'exitVoIPChat', mute: 'updateVoIPChatMuteConfig', speak: 'speak', interrupt: 'interrupt' } as const;

interface Member {
  ws: WebSocket;
  groupId: string;
  micMuted: boolean;
  speaking: boolean;
}
type Reply = { errCode: number; errMsg: string; openIdList?: string[] };

/** The VoIP groups of one local cloud, keyed by groupId; a member by openid. */
export class VoipChats {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly groups = new Map<string, Map<string, Member>>();
  private readonly members = new Map<string, Member>();

  constructor(private readonly signer: VoipSigner, private readonly now: () => number) {}

  /** Takes a phone's socket; a request naming no user is refused before the upgrade. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const openid = req.headers[OPENID_HEADER];
    if (typeof openid !== 'string' || openid === '' || openid.length > 128) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (raw) => this.receive(ws, openid, raw.toString()));
      ws.on('close', () => this.leave(ws, openid));
      ws.on('error', () => ws.terminate());
    });
  }

  /** Groups and members, for the info route. */
  info(): Record<string, unknown> {
    return { voipGroups: this.groups.size, voipMembers: this.members.size };
  }

  stop(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private receive(ws: WebSocket, openid: string, text: string): void {
    let msg: { id?: unknown; op?: unknown } = {};
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      // A phone of ours never sends this: answered anyway, the socket stays.
    }
    const parsed = request.safeParse(msg);
    const api = API[msg.op as keyof typeof API] ?? 'voip';
    send(ws, { id: msg.id, ...(parsed.success ? this.handle(ws, openid, parsed.data) : { errCode: -1000, errMsg: `${api}:fail parameter error: ${describeIssues(parsed.error)}` }) });
  }

  private handle(ws: WebSocket, openid: string, r: z.infer<typeof request>): Reply {
    const api = API[r.op];
    const member = this.members.get(openid);
    if (r.op === 'join') {
      if (member) return { errCode: -1, errMsg: `${api}:fail 当前已在房间内` };
      // The signature is checked as WeChat's own documented algorithm over the user's session_key.
      const expected = userVoipSignature(this.signer, openid, { groupId: r.groupId, nonce: r.nonceStr, timestamp: r.timeStamp });
      const stale = Math.abs(r.timeStamp - this.now() / 1000) > MAX_SKEW_SECONDS;
      if (r.signature !== expected || stale) return { errCode: -1000, errMsg: INVALID_SIGNATURE };
      const group = this.groups.get(r.groupId) ?? new Map<string, Member>();
      // Not documented what WeChat answers an 11th user: 系统错误 with a local reason.
      if (group.size >= MAX_MEMBERS) return { errCode: -1000, errMsg: `${api}:fail the group is full (at most ${MAX_MEMBERS} members)` };
      const joined: Member = { ws, groupId: r.groupId, micMuted: r.muteConfig?.muteMicrophone === true, speaking: false };
      group.set(openid, joined);
      this.groups.set(r.groupId, group);
      this.members.set(openid, joined);
      setImmediate(() => this.membersChanged(r.groupId));
      return { errCode: 0, errMsg: `${api}:ok`, openIdList: [...group.keys()] };
    }
    // The same socket only: another phone of this user cannot act on this one's chat.
    if (!member || member.ws !== ws) return { errCode: -1000, errMsg: `${api}:fail not in a VoIP chat` };
    if (r.op === 'mute' || r.op === 'speak') {
      const speakers = this.speakers(member.groupId).join('\n');
      if (r.op === 'mute') member.micMuted = r.muteConfig.muteMicrophone ?? member.micMuted;
      else member.speaking = r.on;
      if (this.speakers(member.groupId).join('\n') !== speakers) setImmediate(() => this.speakersChanged(member.groupId));
    } else {
      if (r.op === 'interrupt') send(ws, { event: 'interrupted', errCode: -3, errMsg: 'onVoIPChatInterrupted: interrupted (the app went to background or a call came in)' });
      this.leave(ws, openid);
    }
    return { errCode: 0, errMsg: `${api}:ok` };
  }

  /** `openid` leaves its group (if `ws` is its chat's socket); the others hear of it. */
  private leave(ws: WebSocket, openid: string): void {
    const member = this.members.get(openid);
    if (!member || member.ws !== ws) return;
    const group = this.groups.get(member.groupId);
    this.members.delete(openid);
    group?.delete(openid);
    if (!group || group.size === 0) return void this.groups.delete(member.groupId);
    this.membersChanged(member.groupId);
    if (member.speaking && !member.micMuted) this.speakersChanged(member.groupId);
  }

  private speakers(groupId: string): string[] {
    return [...(this.groups.get(groupId) ?? [])].filter(([, m]) => m.speaking && !m.micMuted).map(([id]) => id);
  }

  private membersChanged(groupId: string): void {
    const group = this.groups.get(groupId) ?? new Map<string, Member>();
    for (const m of group.values()) send(m.ws, { event: 'members', errCode: 0, errMsg: 'onVoIPChatMembersChanged:ok', openIdList: [...group.keys()] });
  }

  private speakersChanged(groupId: string): void {
    for (const m of this.groups.get(groupId)?.values() ?? []) send(m.ws, { event: 'speakers', errCode: 0, errMsg: 'onVoIPChatSpeakersChanged:ok', openIdList: this.speakers(groupId) });
  }
}

function send(ws: WebSocket, body: Record<string, unknown>): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(body));
}
