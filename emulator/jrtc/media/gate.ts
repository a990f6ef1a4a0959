/**
 * Our authorisation in front of node-media-server 4.4.3, installed on its Context at runtime.
 *
 * Why each hook exists (see NMS's src/server/broadcast_server.js and src/session/rtmp_session.js):
 * - NMS's own `verifyAuth` lets everyone in when `auth.secret` is empty and only knows the nms format.
 *   We wrap every registered broadcast's `postPublish` / `postPlay` with our verifier (verifyUrl.ts),
 *   so a refusal returns before NMS takes the publisher slot or adds a subscriber. NMS's auth stays
 *   on with a random secret nobody knows, so a broadcast we did not wrap (the unregistered
 *   placeholder an RTMP session holds before its stream path is valid) refuses everything.
 * - A refused RTMP session is only half-closed by NMS (`socket.end()`), and `RtmpSession.onPacket`
 *   forwards every media message to the broadcast without checking `isPublisher`: a refused
 *   publisher's packets (or media a player sends) reach every listener. We destroy refused sockets
 *   and wrap each session's packet callback so only the broadcast's accepted, unrevoked publisher
 *   is forwarded — a refused publisher delivers zero media.
 */
import crypto from 'crypto';
import type { ServerResponse } from 'http';
import type { NmsBroadcast, NmsContext, NmsSession } from './nmsTypes';

/** Null to let `session` publish or play, else the reason to refuse it. */
export type Decide = (action: 'publish' | 'play', session: NmsSession) => string | null;

/** Counters the gate keeps, for the admin info route. */
export interface GateStats {
  refusedPublish: number;
  refusedPlay: number;
  droppedPackets: number;
  revoked: number;
}

/** The installed gate. */
export interface Gate {
  readonly stats: GateStats;
  /** Cuts off the accepted publisher of `streamPath` ("/app/stream"), if any; true when one was cut. */
  revokePublisher(streamPath: string): boolean;
  /** True while `session` is the accepted, unrevoked publisher of its broadcast. */
  isLivePublisher(session: NmsSession): boolean;
}

const PATCHED = Symbol('jrtcGate');
type Patched = { [PATCHED]?: true };

/** A secret for NMS's own auth that nobody can sign with: it only ever refuses. */
export function unguessableSecret(): string {
  return crypto.randomBytes(32).toString('hex');
}

function isHttpResponse(res: NmsSession['res']): res is ServerResponse {
  return res !== undefined && typeof (res as ServerResponse).writeHead === 'function';
}

/** Ends a refused session at once: the socket is destroyed (RTMP) or answered 403 (HTTP-FLV). */
function shut(session: NmsSession): void {
  if (session.socket) {
    session.socket.destroy();
    return;
  }
  const res = session.res;
  if (isHttpResponse(res)) {
    if (!res.headersSent) res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
    res.end('forbidden\n');
    session.req?.socket.destroy();
  } else if (res) {
    res.close(1008, 'forbidden');
  }
}

/**
 * Installs the gate on NMS's `context` (call once, after constructing NodeMediaServer and before
 * it listens). `log` receives one line per refusal and revocation.
 */
export function installGate(context: NmsContext, decide: Decide, log: (line: string) => void): Gate {
  const stats: GateStats = { refusedPublish: 0, refusedPlay: 0, droppedPackets: 0, revoked: 0 };
  const revoked = new WeakSet<NmsSession>();

  const isLivePublisher = (s: NmsSession): boolean =>
    s.isPublisher === true && s.broadcast?.publisher === s && !revoked.has(s);

  const refuse = (action: 'publish' | 'play', session: NmsSession, why: string): string => {
    if (action === 'publish') stats.refusedPublish += 1;
    else stats.refusedPlay += 1;
    log(`[media] refused ${action} ${session.streamPath} (${session.protocol}): ${why}`);
    shut(session);
    return `${action} ${session.streamPath} refused: ${why}`;
  };

  const patchBroadcast = (b: NmsBroadcast & Patched): void => {
    if (b[PATCHED]) return;
    b[PATCHED] = true;
    // Only reachable through the wrappers below, which have already checked the request.
    b.verifyAuth = () => true;
    // A refusal of NMS's own (e.g. "already has a publisher") is ours to carry out: NMS would only half-close the session.
    const gated = (action: 'publish' | 'play', post: NmsBroadcast['postPlay']): NmsBroadcast['postPlay'] => (session) => {
      const why = decide(action, session) ?? post(session);
      return why === null ? null : refuse(action, session, why);
    };
    b.postPublish = gated('publish', b.postPublish);
    b.postPlay = gated('play', b.postPlay);
  };

  const gatePackets = (session: NmsSession): void => {
    for (const proto of [session.rtmp, session.flv]) {
      if (!proto || typeof proto.onPacketCallback !== 'function') continue;
      const forward = proto.onPacketCallback;
      proto.onPacketCallback = (packet: unknown) => {
        if (isLivePublisher(session)) forward(packet);
        else stats.droppedPackets += 1;
      };
    }
  };

  // NMS reads these maps through `Context.broadcasts` / `Context.sessions` on every use, so
  // replacing them with patching subclasses reaches every broadcast and session it registers.
  class GatedBroadcasts extends Map<string, NmsBroadcast> {
    override set(path: string, broadcast: NmsBroadcast): this {
      patchBroadcast(broadcast);
      return super.set(path, broadcast);
    }
  }
  class GatedSessions extends Map<string, NmsSession> {
    // Sessions are registered right after `run()` wires their parsers and before any data arrives.
    override set(id: string, session: NmsSession): this {
      gatePackets(session);
      return super.set(id, session);
    }
  }
  const broadcasts = new GatedBroadcasts();
  for (const [path, b] of context.broadcasts) broadcasts.set(path, b);
  const sessions = new GatedSessions();
  for (const [id, s] of context.sessions) sessions.set(id, s);
  context.broadcasts = broadcasts;
  context.sessions = sessions;

  return {
    stats,
    isLivePublisher,
    revokePublisher(streamPath) {
      const publisher = context.broadcasts.get(streamPath)?.publisher;
      if (!publisher || !isLivePublisher(publisher)) return false;
      revoked.add(publisher);
      stats.revoked += 1;
      log(`[media] cut off publisher of ${streamPath}: its member stopped publishing`);
      shut(publisher);
      return true;
    },
  };
}
