/** Member roles, numbered as JRTC numbers them. */
export declare const Role: {
    /** Anchor (broadcaster): may publish a stream. */
    readonly ANCHOR: 1;
    /** Audience: listens only. */
    readonly AUDIENCE: 2;
};
/** A member role: 1 anchor, 2 audience. */
export type Role = (typeof Role)[keyof typeof Role];
/** Who may take the stage in a room. */
export type StagePolicy = 'open' | 'invite';
/** Collection names. Public ones are client-readable; private ones are admin-only. */
export declare const Collections: {
    /** Public: one document per room (counts, stage policy). */
    readonly rooms: "jrtc_rooms";
    /** Public: one document per member of a room (no private data). */
    readonly members: "jrtc_members";
    /** Private: liveness and session of each member (heartbeats write here, so they cause no watch traffic). */
    readonly presence: "jrtc_presence";
    /** Private: userId → OPENID bindings. */
    readonly bindings: "jrtc_bindings";
    /** Private: consumed token nonces, kept while their token lives. */
    readonly nonces: "jrtc_nonces";
    /** Private: revoked tokens and kicked users. */
    readonly revocations: "jrtc_revocations";
    /**
     * Client-readable by rule: custom signals, kept for `Timing.signalTtlMs`. A room-wide signal
     * (`to: '*'`) is readable by everyone; a peer signal carries its recipient's OPENID in `_openid`
     * and is readable by that recipient only (see shared/database-rules.json).
     */
    readonly signals: "jrtc_signals";
};
/** Sizes and counts the protocol enforces. */
export declare const Limits: {
    readonly idMaxLength: 64;
    readonly nickNameMaxLength: 64;
    readonly tokenMaxLength: 512;
    readonly nonceMaxLength: 64;
    readonly domainMaxLength: 253;
    readonly pageSizeDefault: 20;
    readonly pageSizeMax: 100;
    readonly tokenTtlMaxSeconds: number;
    /** A signal's `type`: 1..32 characters of [A-Za-z0-9_.-]. */
    readonly signalTypeMaxLength: 32;
    /** A signal's payload, serialised as JSON, in UTF-8 bytes. */
    readonly signalPayloadMaxBytes: 4096;
    /** The optional reason a kick gives. */
    readonly kickReasonMaxLength: 128;
};
/** Liveness timing defaults (the function's config may override them). */
export declare const Timing: {
    /** A client heartbeats this often: two cloud calls per participant-minute. */
    readonly heartbeatIntervalMs: 30000;
    /** A member not heard from for this long is a ghost. Must exceed the longest heartbeat interval plus latency. */
    readonly leaseMs: 40000;
    /** A signal document lives this long; clients that miss it by then never see it. */
    readonly signalTtlMs: 60000;
};
/** The `to` of a signal addressed to the whole room. */
export declare const SIGNAL_TO_ROOM = "*";
/**
 * Signal types starting with this prefix are the service's own (`jrtc.kicked`, `jrtc.invited`);
 * sendSignal refuses them, so a peer cannot forge one.
 */
export declare const SYSTEM_SIGNAL_PREFIX = "jrtc.";
/** The service's own signal types. */
export declare const SystemSignal: {
    /** To the kicked member, as it is removed: payload `{reason: string | null, bannedUntil: number}`. */
    readonly KICKED: "jrtc.kicked";
    /** To the invited member: payload `null`; it may now setRole(1) in an invite-only room. */
    readonly INVITED: "jrtc.invited";
};
/** The document id of a room: `appId:userRoomId`. */
export declare function roomKeyOf(appId: string, userRoomId: string): string;
/** The document id of a member: `roomKey:userId`. */
export declare function memberIdOf(roomKey: string, userId: string): string;
