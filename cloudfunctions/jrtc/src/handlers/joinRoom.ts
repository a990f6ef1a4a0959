/**
 * joinRoom: verify the JRTC token, bind the identity, enter the roster. All checks and writes that
 * depend on stored state happen in one transaction, reads first: nothing is written when a check
 * fails, and counts change together with the member. A token a kick revoked answers TOKEN_REVOKED;
 * any token of a user kicked from this room answers KICKED until the ban (JRTC_KICK_BAN_SECONDS) ends.
 * Joining as a new anchor of a room whose stage is at its cap answers STAGE_FULL (roster.ts).
 *
 * Who owns the room: whoever creates it, unless the token carries an owner grant (issueToken with
 * `owner: true`, recorded on the nonce) or comes with an owner proof from the deployer's server
 * (shared/ownerProof.ts, verified before the transaction): then the token's first join makes the
 * joiner the owner, taking over an existing room (its version moves, so every member's watch sees the
 * new owner). A token without either never changes the owner.
 */
import { Collections, ErrorCode, ProtocolError, Role, memberIdOf, roomKeyOf } from '../../../../shared';
import type { ActionRequest, StagePolicy } from '../../../../shared';
import type { JrtcConfig } from '../config';
import { firstHeartbeatInMs, maxPhaseShiftMs, phaseForJoin } from '../heartbeatSchedule';
import type { DbTransaction } from '../ports';
import { memberDocSchema, presenceDocSchema, readDoc, roomDocSchema, toPublicMember, toRoomSummary } from '../records';
import type { MemberDoc, PresenceDoc, RoomDoc } from '../records';
import { addToCounts, checkStageSeat } from '../roster';
import { kickedError } from '../session';
import { streamIdOf } from '../streamId';
import { trySweepRoom } from '../sweep';
import { checkNonce, spentNonce, verifyTokenFields } from '../tokenCheck';
import type { Handler } from './types';
import { transact } from '../transact';
import { banOf, changedUser, readUser, writeUser } from '../userRecord';

interface Admission {
  request: ActionRequest<'joinRoom'>;
  openid: string;
  sessionId: string;
  now: number;
  config: JrtcConfig;
}

interface Admitted {
  member: MemberDoc;
  room: RoomDoc;
  presence: PresenceDoc;
}

/**
 * Fails unless the stage policy lets `userId` be an anchor: in an invite-only room the owner, a
 * member the owner invited or promoted, and a member already on stage (a rejoin keeps its seat).
 */
function checkStage(role: number, policy: StagePolicy, ownerUserId: string, userId: string, existing: MemberDoc | null): void {
  if (role !== Role.ANCHOR || policy !== 'invite' || ownerUserId === userId) return;
  if (existing && (existing.role === Role.ANCHOR || existing.invited === true)) return;
  throw new ProtocolError(ErrorCode.ROLE_FORBIDDEN, 'only the owner and invited members may take the stage in this room');
}

/** The transaction body: every read and check, then every write. Safe to retry (no other effects). */
async function admit(tx: DbTransaction, a: Admission): Promise<Admitted> {
  const { request: r, openid, now, config } = a;
  const roomKey = roomKeyOf(r.appId, r.userRoomId);
  const memberId = memberIdOf(roomKey, r.userId);
  const holder = { openid, roomKey };

  // One read for everything about the user: binding, nonces, kicks (records.ts, userDocSchema).
  const user = await readUser(tx, r.appId, r.userId);
  // The proof, when present, verified in verifyTokenFields before this transaction began.
  const nonce = checkNonce(user, r.appId, r.nonce, holder, r.ownerProof !== undefined);
  const ban = banOf(user, roomKey);
  if (ban && ban.bannedUntil > now) throw kickedError(ban);
  if (config.bindUserToOpenid && user?.openid !== undefined && user.openid !== openid) {
    throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this userId is bound to another WeChat user');
  }
  const room = await readDoc(tx, Collections.rooms, roomKey, roomDocSchema);
  const existing = await readDoc(tx, Collections.members, memberId, memberDocSchema);
  // The owner once this join is in: the granted joiner, else the creator, else unchanged.
  const ownerUserId = nonce.ownerGrant || !room ? r.userId : room.ownerUserId;
  const takeOver = room !== null && room.ownerUserId !== ownerUserId;
  checkStage(r.role, room?.stagePolicy ?? config.defaultStagePolicy, ownerUserId, r.userId, existing);
  // A new anchor only: a rejoin that keeps its seat passes even when the stage is full.
  if (room && r.role === Role.ANCHOR && existing?.role !== Role.ANCHOR) checkStageSeat(room, ownerUserId, r.userId);
  // Member and presence documents come and go together (one transaction each time), so only a rejoin
  // has a presence to keep the phase of: a new member saves the read, one database round trip.
  const oldPresence = existing ? await readDoc(tx, Collections.presence, memberId, presenceDocSchema) : null;

  // All checks passed: write.
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
      data: {
        role: member.role,
        nickName: member.nickName,
        peerId: member.peerId,
        stream: { publishing: false },
        version: member.version,
      },
    });
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
  }

  const joinSeq = room?.joinSeq ?? 0;
  // A rejoin keeps its heartbeat phase; only new members take the next point of the sequence.
  const phaseMs = oldPresence?.phaseMs ?? phaseForJoin(joinSeq, config.heartbeatMs);
  const before = room ?? { broadcasterCount: 0, audienceCount: 0 };
  const counts = addToCounts(existing ? addToCounts(before, existing.role, -1) : before, r.role, 1);
  let nextRoom: RoomDoc;
  if (!room) {
    nextRoom = {
      roomKey,
      appId: r.appId,
      userRoomId: r.userRoomId,
      ownerUserId,
      stagePolicy: config.defaultStagePolicy,
      ...counts,
      joinSeq: 1,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.collection(Collections.rooms).doc(roomKey).set({ data: { ...nextRoom } });
  } else if (!existing || existing.role !== r.role || takeOver) {
    nextRoom = { ...room, ...counts, ownerUserId, joinSeq: existing ? joinSeq : joinSeq + 1, version: room.version + 1, updatedAt: now };
    await tx.collection(Collections.rooms).doc(roomKey).update({
      data: { ...counts, ownerUserId, joinSeq: nextRoom.joinSeq, version: nextRoom.version, updatedAt: now },
    });
  } else {
    // Same member, same role, same owner: the public room document does not change (no watch traffic).
    nextRoom = room;
  }

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
  await tx.collection(Collections.presence).doc(memberId).set({ data: { ...presence } });
  return { member, room: nextRoom, presence };
}

/** joinRoom (see the file comment); then sweeps the room's ghosts. */
export const joinRoom: Handler<'joinRoom'> = async (request, { caller, deps }) => {
  const { config, db, clock } = deps;
  const now = clock.now();
  verifyTokenFields(config, request, now);

  // Drawn outside the transaction, which the platform may run more than once.
  const sessionId = deps.random.id(16);
  const admitted = await transact(db, (tx) =>
    admit(tx, { request, openid: caller.OPENID, sessionId, now, config }),
  );
  await trySweepRoom(deps, admitted.room.roomKey);

  const maxShiftMs = maxPhaseShiftMs(config.heartbeatMs, config.leaseMs);
  return {
    sessionId,
    roomKey: admitted.room.roomKey,
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
