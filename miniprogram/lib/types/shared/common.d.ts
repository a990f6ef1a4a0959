import { z } from 'zod';
/** Ids (appId, userId, userRoomId, peerId): short, and free of ':' so composite keys stay unambiguous. */
export declare const idSchema: z.ZodString;
/** Role 1 (anchor) or 2 (audience). */
export declare const roleSchema: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
/** A host name (optionally with port) that a push or pull URL may point at. */
export declare const domainSchema: z.ZodString;
/** A room's stage policy. */
export declare const stagePolicySchema: z.ZodEnum<{
    open: "open";
    invite: "invite";
}>;
/** The fields every call after joinRoom carries to name its session. */
export declare const sessionFields: {
    appId: z.ZodString;
    userRoomId: z.ZodString;
    userId: z.ZodString;
    /** Returned by joinRoom; a newer join of the same user replaces it. */
    sessionId: z.ZodString;
};
/**
 * A member's media stream as the roster shows it. `muted` is what listeners and the member's own
 * pusher follow: true while the member muted itself (`selfMuted`, setMuted) or the owner muted it
 * (`adminMuted`, mute). The two causes are kept apart so that lifting one never lifts the other:
 * the owner's unmute must not open a microphone its member closed, and setMuted(false) must not
 * undo the owner's mute. Absent flags (members never muted) mean false.
 */
export declare const streamSchema: z.ZodObject<{
    streamId: z.ZodString;
    publishing: z.ZodBoolean;
    muted: z.ZodBoolean;
    selfMuted: z.ZodOptional<z.ZodBoolean>;
    adminMuted: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strip>;
/** A member as every client may see it: no OPENID, no session, nothing private. */
export declare const memberSchema: z.ZodObject<{
    userId: z.ZodString;
    nickName: z.ZodString;
    peerId: z.ZodString;
    role: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
    stream: z.ZodObject<{
        streamId: z.ZodString;
        publishing: z.ZodBoolean;
        muted: z.ZodBoolean;
        selfMuted: z.ZodOptional<z.ZodBoolean>;
        adminMuted: z.ZodOptional<z.ZodBoolean>;
    }, z.core.$strip>;
    joinedAt: z.ZodNumber;
    version: z.ZodNumber;
    handRaised: z.ZodOptional<z.ZodBoolean>;
    invited: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strip>;
/** A room's public summary. */
export declare const roomSchema: z.ZodObject<{
    roomKey: z.ZodString;
    appId: z.ZodString;
    userRoomId: z.ZodString;
    ownerUserId: z.ZodString;
    stagePolicy: z.ZodEnum<{
        open: "open";
        invite: "invite";
    }>;
    broadcasterCount: z.ZodNumber;
    audienceCount: z.ZodNumber;
    version: z.ZodNumber;
}, z.core.$strip>;
/** Exact member counts of a room. */
export declare const memberCountSchema: z.ZodObject<{
    total: z.ZodNumber;
    broadcasterCount: z.ZodNumber;
    audienceCount: z.ZodNumber;
}, z.core.$strip>;
/**
 * A signal document of the jrtc_signals collection, as a client's watch delivers it. `to` is a
 * userId, or '*' for the whole room. `payloadJson` is the sender's payload serialised as JSON (a
 * string, so that arbitrary keys such as `$x` or `a.b` never become database field names). `seq`
 * grows with each signal of one sender's session; `(from, seq)` and the document id each identify
 * a signal. A peer signal also carries `_openid` (its recipient's, for the read rule): the schema
 * leaves it out, so parsing drops it.
 */
export declare const signalSchema: z.ZodObject<{
    roomKey: z.ZodString;
    to: z.ZodString;
    from: z.ZodString;
    type: z.ZodString;
    payloadJson: z.ZodString;
    seq: z.ZodNumber;
    createdAt: z.ZodNumber;
    expiresAt: z.ZodNumber;
}, z.core.$strip>;
/** A member as the roster shows it. */
export type Member = z.infer<typeof memberSchema>;
/** A member's stream. */
export type Stream = z.infer<typeof streamSchema>;
/** A room's public summary. */
export type RoomSummary = z.infer<typeof roomSchema>;
/** Exact member counts. */
export type MemberCount = z.infer<typeof memberCountSchema>;
/** A signal as a client's watch delivers it. */
export type Signal = z.infer<typeof signalSchema>;
