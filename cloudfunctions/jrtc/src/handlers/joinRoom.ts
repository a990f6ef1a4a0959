/**
 * joinRoom: verify the JRTC token, bind the identity, enter the roster. All checks and writes that
 * depend on stored state happen in one transaction over the joiner's own documents (user record,
 * member, presence), reads first, then writes: nothing is written when a check
 * fails, and joins of different users never conflict. The room's counts move after the commit
 * (roster.ts: why, and how they stay exact). A token a kick revoked answers TOKEN_REVOKED;
 * any token of a user kicked from this room answers KICKED until the ban (JRTC_KICK_BAN_SECONDS) ends.
 * Joining as a new anchor of a room whose stage is at its cap answers STAGE_FULL (roster.ts).
 *
 * Who owns the room: whoever creates it, unless the token carries an owner grant (issueToken with
 * `owner: true`, recorded on the nonce) or comes with an owner proof from the deployer's server
 * (shared/ownerProof.ts, verified before the transaction): then the token's first join makes the
 * joiner the owner, taking over an existing room (its version moves, so every member's watch sees the
 * new owner). A token without either never changes the owner.
 */
import { Collections, ErrorCode, ProtocolError, Role, VOIP_MAX_MEMBERS, memberIdOf, roomKeyOf } from '../../../../shared';
import { trtcApp } from '../backends';
import type { ActionRequest, StagePolicy } from '../../../../shared';
import type { JrtcConfig } from '../../../../shared/functionConfig';
import { firstHeartbeatInMs, joinPhase, maxPhaseShiftMs } from '../heartbeatSchedule';
import type { DbTransaction } from '../../../../shared/ports';
import { memberDocSchema, presenceDocSchema, readDoc, roomDocSchema, toPublicMember, toRoomSummary } from '../records';
import type { MemberDoc, PresenceDoc, RoomDoc, UserDoc } from '../records';
import { addToCounts, transactRoster } from '../roster';
import type { RosterScope } from '../roster';
import { kickedError } from '../session';
import { streamIdOf } from '../streamId';
import { trySweepRoom } from '../sweep';
import { checkNonce, spentNonce, verifyTokenFields } from '../tokenCheck';
import type { Handler } from './types';
import { banOf, changedUser, readCaller, readUser, writeUser } from '../userRecord';

interface Admission {
  request: ActionRequest<'joinRoom'>;
  openid: string;
  sessionId: string;
  now: number;
  config: JrtcConfig;
  /** The room as read before the transaction (null: none yet, read again inside). */
  room: RoomDoc | null;
  /** The caller's record as read before the transaction: its kicks under any userId. */
  callerRecord: UserDoc | null;
}

interface Admitted {
  member: MemberDoc;
  room: RoomDoc;
  presence: PresenceDoc;
}

/**
 * Fails unless the stage policy lets `userId` be an anchor: in an invite-only room the owner, a
 * member the owner invited or promoted, a member already on stage (a rejoin keeps its seat), and a
 * party of the room's call (`invited`: its token came from acceptCall).
 */
function checkStage(role: number, policy: StagePolicy, ownerUserId: string, userId: string, existing: MemberDoc | null, invited: boolean): void {
  if (role !== Role.ANCHOR || policy !== 'invite' || ownerUserId === userId || invited) return;
  if (existing && (existing.role === Role.ANCHOR || existing.invited === true)) return;
  throw new ProtocolError(ErrorCode.ROLE_FORBIDDEN, 'only the owner and invited members may take the stage in this room');
}

/** The transaction body: every read and check, then every write. Safe to retry (no other effects). */
async function admit(tx: DbTransaction, { counts, rooms }: RosterScope, a: Admission): Promise<Admitted> {
  const { request: r, openid, now, config } = a;
  const roomKey = roomKeyOf(r.appId, r.userRoomId);
  const memberId = memberIdOf(roomKey, r.userId);
  const holder = { openid, roomKey };

  // Reads first, one after another: a transaction's operations must not overlap (store/lockTx.ts
  // occupy). The user record holds everything about the user: binding, nonces, kicks (records.ts).
  const user = await readUser(tx, r.appId, r.userId);
  // The proof, when present, verified in verifyTokenFields before this transaction began.
  const nonce = checkNonce(user, r.appId, r.nonce, holder, r.ownerProof !== undefined);
  // Kicked as this userId, or as this WeChat user under any userId (kick.ts).
  for (const ban of [banOf(user, roomKey), banOf(a.callerRecord, roomKey)]) {
    if (ban && ban.bannedUntil > now) throw kickedError(ban);
  }
  if (config.bindUserToOpenid && user?.openid !== undefined && user.openid !== openid) {
    throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this userId is bound to another WeChat user');
  }
  // A room read outside found no room: read it here too, inside the snapshot, so that creating it
  // conflicts with whoever creates it first instead of overwriting it.
  const room = a.room ?? (await readDoc(tx, Collections.rooms, roomKey, roomDocSchema));
  const existing = await readDoc(tx, Collections.members, memberId, memberDocSchema);
  // The owner once this join is in: the granted joiner, else the creator, else unchanged.
  const ownerUserId = nonce.ownerGrant || !room ? r.userId : room.ownerUserId;
  const takeOver = room !== null && room.ownerUserId !== ownerUserId;
  // A token acceptCall made (its nonce entry says `stage`) comes from an invitation to the room's call.
  checkStage(r.role, room?.stagePolicy ?? config.defaultStagePolicy, ownerUserId, r.userId, existing, nonce.existing?.stage === true);
  // A new anchor only: a rejoin that keeps its seat passes even when the stage is full.
  if (room && r.role === Role.ANCHOR && existing?.role !== Role.ANCHOR) await rooms.takeSeat(room, ownerUserId, r.userId);
  // Only a rejoin has a presence whose heartbeat phase it keeps: a new member saves the read.
  const oldPresence = existing ? await readDoc(tx, Collections.presence, memberId, presenceDocSchema) : null;

  // All checks passed: write, one operation after another.
  const nextUser = changedUser(
    user,
    { nonce: spentNonce(nonce, holder, r.timestamp), bindOpenid: config.bindUserToOpenid ? openid : undefined },
    now,
  );
  if (nextUser) await writeUser(tx, r.appId, r.userId, nextUser);

  let member: MemberDoc;
  if (existing) {
    // A repeated join keeps the seat and its joinedAt; the new session has no pusher yet.
    member = {
      ...existing,
      role: r.role,
      nickName: r.nickName ?? existing.nickName,
      peerId: r.peerId ?? existing.peerId,
      stream: { ...existing.stream, publishing: false },
      version: existing.version + 1,
    };
    await tx.collection(Collections.members).doc(memberId).update({
      data: { role: member.role, nickName: member.nickName, peerId: member.peerId, stream: { publishing: false }, version: member.version },
    });
    counts.move(roomKey, existing.role, r.role);
  } else {
    member = {
      roomKey,
      userId: r.userId,
      nickName: r.nickName ?? '',
      peerId: r.peerId ?? r.userId,
      role: r.role,
      stream: { streamId: streamIdOf(r.appId, r.userRoomId, r.userId), publishing: false, muted: false },
      joinedAt: now,
      version: 1,
    };
    await tx.collection(Collections.members).doc(memberId).set({ data: { ...member } });
    counts.add(roomKey, r.role, 1);
    counts.joined(roomKey);
  }

  const joinSeq = room?.joinSeq ?? 0;
  let nextRoom: RoomDoc;
  if (!room) {
    // Created with empty counts inside the transaction (a concurrent creator conflicts); this join
    // is counted by the increment after the commit, like every other.
    const backend = r.backend ?? config.roomBackend;
    if (backend === 'trtc') trtcApp(config); // CONFIG_ERROR before anything is written
    nextRoom = {
      roomKey,
      appId: r.appId,
      userRoomId: r.userRoomId,
      ownerUserId,
      stagePolicy: config.defaultStagePolicy,
      broadcasterCount: 0,
      audienceCount: 0,
      joinSeq: 0,
      // The increment after the commit makes it 1, as a room created with its first member was.
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    // Absent means rtmp, so rooms without a backend read as they did. A VoIP chat takes ten people.
    if (backend !== 'rtmp') nextRoom.backend = backend;
    if (backend === 'voip') nextRoom.maxAnchors = VOIP_MAX_MEMBERS;
    await tx.collection(Collections.rooms).doc(roomKey).set({ data: { ...nextRoom } });
    counts.createsRoom = true;
  } else {
    nextRoom = room;
    if (takeOver) counts.owner(roomKey, ownerUserId);
  }

  // A rejoin keeps its heartbeat phase (heartbeatSchedule.ts joinPhase for a new member).
  const phaseMs = oldPresence?.phaseMs ?? joinPhase(joinSeq, a.sessionId, config.heartbeatMs);
  const presence: PresenceDoc = {
    roomKey,
    userId: r.userId,
    openid,
    sessionId: a.sessionId,
    lastSeen: now,
    expiresAt: now + config.leaseMs,
    phaseMs,
    nonceId: nonce.nonceId,
    tokenExpiresAt: r.timestamp,
    nickName: member.nickName,
  };
  // A party of the room's call stays one across rejoins; a token from acceptCall makes one.
  const callId = nonce.existing?.callId ?? oldPresence?.callId;
  if (callId !== undefined) presence.callId = callId;
  if (nextRoom.backend !== undefined) presence.backend = nextRoom.backend;
  await tx.collection(Collections.presence).doc(memberId).set({ data: { ...presence } });
  const roomChanged = !room || !existing || existing.role !== r.role || takeOver;
  return { member, room: roomChanged ? withJoin(nextRoom, ownerUserId, existing, r.role, takeOver) : nextRoom, presence };
}

/** The room as the joiner's reply shows it: as read, with this join's own change (the increment after the commit). */
function withJoin(room: RoomDoc, ownerUserId: string, existing: MemberDoc | null, role: number, takeOver: boolean): RoomDoc {
  const before = existing ? addToCounts(room, existing.role, -1) : room;
  // A takeover is its own update after the commit (roster.ts RoomWriter.settle): one more version.
  const moved = (existing?.role === role ? 0 : 1) + (takeOver ? 1 : 0);
  return { ...room, ...addToCounts(before, role, 1), ownerUserId, version: room.version + Math.max(1, moved) };
}

/** joinRoom (see the file comment); sweeps the room's ghosts alongside. */
export const joinRoom: Handler<'joinRoom'> = async (request, { caller, deps }) => {
  const { config, db, clock } = deps;
  const now = clock.now();
  verifyTokenFields(config, request, now);
  const roomKey = roomKeyOf(request.appId, request.userRoomId);

  // Drawn outside the transaction, which may run more than once.
  const sessionId = deps.random.id(16);
  // The room is read outside the transaction, in parallel with its start (one round trip for both):
  // its policy, owner and cap decide the checks, and its counts are never written inside.
  const roomRead = readDoc(db, Collections.rooms, roomKey, roomDocSchema);
  // The caller's kicks under any userId, read in the same wave (a kick racing this join is caught
  // by the userId's own ban inside the transaction when it is the same userId).
  const callerRead = readCaller(db, request.appId, caller.OPENID);
  roomRead.catch(() => undefined); // awaited inside; a failure there fails the join
  callerRead.catch(() => undefined);
  // The room's ghosts are swept alongside the commit once the join's checks passed (their documents
  // are not the joiner's): no round trip of its own, and a refused join changes nothing.
  const admitted = await transactRoster(
    db,
    now,
    async (tx, scope) => admit(tx, scope, { request, openid: caller.OPENID, sessionId, now, config, room: await roomRead, callerRecord: await callerRead }),
    { alongside: () => trySweepRoom(deps, roomKey) },
  );

  const maxShiftMs = maxPhaseShiftMs(config.heartbeatMs, config.leaseMs);
  return {
    sessionId,
    roomKey,
    member: toPublicMember(admitted.member),
    room: toRoomSummary(admitted.room),
    heartbeatIntervalMs: config.heartbeatMs,
    nextHeartbeatInMs: firstHeartbeatInMs({
      now,
      phaseMs: admitted.presence.phaseMs,
      intervalMs: config.heartbeatMs,
      maxShiftMs,
    }),
    leaseMs: config.leaseMs,
    tokenExpiresAt: request.timestamp,
  };
};
