/**
 * The client's core: one room at a time, joins and leaves that never interleave, and destroy. The
 * JRTC-form calls and the client's events are layered on top (client.ts).
 */
import { callAction } from './cloud';
import { TypedEmitter } from './emitter';
import type { EventCallbacks } from './emitter';
import { JRTCError } from './errors';
import { joinRequestFrom } from './options';
import type { EnterRoomInfo, JoinRoomParams } from './options';
import { Room } from './room';
import type { RoomConfig, Session } from './room';

interface PendingJoin {
  promise: Promise<Room>;
  cancelled: boolean;
  resolve(room: Room): void;
  reject(error: JRTCError): void;
  /** Settles when the join's work is over (including undoing a cancelled join on the server). */
  done: Promise<void>;
}

const ignore = (): void => undefined;

/** Joins, leaves and destroy, with the Room API's errors (JRTCError); `E`: the client's events. */
export class ClientCore<E extends EventCallbacks<E>> extends TypedEmitter<E> {
  /** The appId given to init. */
  readonly appId: string;
  /** @internal The rooms' config, or why init's options cannot work (every call rejects with it). */
  protected readonly setup: RoomConfig | JRTCError;
  private current?: Room;
  private pending?: PendingJoin;
  /** What a new join waits for: the previous room's leave or the undoing of a cancelled join. */
  private settling: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  /** @internal */
  protected constructor(setup: RoomConfig | JRTCError, appId: string) {
    super();
    this.setup = setup;
    this.appId = appId;
  }

  /** The joined room, or null. */
  get room(): Room | null {
    return this.current || null;
  }

  /**
   * Joins a room and resolves with it once the server admitted you; the live roster then fills through
   * the room's events. While a join is pending a second call gets the same promise; while in a room it
   * rejects with INVALID_STATE (leave first).
   */
  protected join(info: EnterRoomInfo): Promise<Room> {
    if (this.pending) return this.pending.promise;
    let params: JoinRoomParams;
    let config: RoomConfig;
    try {
      config = this.config();
      if (this.destroyed) throw JRTCError.invalidState('the client is destroyed');
      params = joinRequestFrom(info, this.appId);
      if (this.current) throw JRTCError.invalidState('already in a room: leave it first');
    } catch (err) {
      return Promise.reject(err);
    }
    const pending = { cancelled: false } as PendingJoin;
    pending.promise = new Promise<Room>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.pending = pending;
    pending.done = this.runJoin(config, params, pending).catch((err: unknown) => {
      if (this.pending === pending) this.pending = undefined;
      pending.reject(JRTCError.from(err));
    });
    return pending.promise;
  }

  /** Leaves the room, or cancels a pending join (which then rejects with CANCELLED). */
  protected leave(): Promise<void> {
    const pending = this.pending;
    if (pending) {
      pending.cancelled = true;
      this.pending = undefined;
      pending.reject(JRTCError.cancelled('left while joining'));
      this.settling = pending.done;
      return pending.done;
    }
    return this.current ? this.current.leaveRoom() : Promise.resolve();
  }

  /** Cancels a pending join, leaves the room (its state goes disconnected with DESTROYED) and retires the client. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    if (this.pending) await this.leave().catch(ignore);
    if (this.current) await this.current.close('DESTROYED').catch(ignore);
  }

  /** @internal The rooms' config; throws what init's options got wrong. */
  protected config(): RoomConfig {
    if (this.setup instanceof JRTCError) throw this.setup;
    return this.setup;
  }

  /** @internal The joined room; INVALID_STATE when there is none. */
  protected joined(): Room {
    this.config();
    if (!this.current) throw JRTCError.invalidState('not in a room: joinRoom first');
    return this.current;
  }

  /** @internal A room was admitted: the layer above wires its events to the client's. */
  protected adopted(_room: Room): void {}

  private async runJoin(config: RoomConfig, params: JoinRoomParams, pending: PendingJoin): Promise<void> {
    await this.settling;
    if (pending.cancelled) return;
    const { cloud, timers, callTimeoutMs } = config;
    const reply = await callAction(cloud, timers, callTimeoutMs, 'joinRoom', params);
    const session: Session = {
      appId: params.appId,
      userRoomId: params.userRoomId,
      userId: params.userId,
      sessionId: reply.sessionId,
    };
    if (pending.cancelled) {
      // Left while the join was on its way: undo it on the server so no ghost stays behind.
      await callAction(cloud, timers, callTimeoutMs, 'leaveRoom', session).catch(ignore);
      return;
    }
    const room = new Room(config, session, reply, params, (ended) => {
      if (this.current === ended) this.current = undefined;
      // Deferred: leaveRoom assigns its promise right after the state change that brought us here.
      this.settling = Promise.resolve()
        .then(() => ended.leaveRoom())
        .catch(ignore);
    });
    // Settled before the caller resumes: a join right after this one already sees the room.
    if (this.pending === pending) this.pending = undefined;
    if (room.state !== 'disconnected') {
      this.current = room;
      this.adopted(room);
    }
    pending.resolve(room);
  }
}
