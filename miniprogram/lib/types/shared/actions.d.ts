import { z } from 'zod';
/**
 * The whole API as data: one request and one response schema per action. The cloud function's
 * router and the SDK both import this map, so a type is never written twice.
 */
/** issueToken: a JRTC token for the calling OPENID (the deployer's policy decides). */
export declare const issueToken: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        ttlSeconds: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strip>;
    response: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        nonce: z.ZodString;
        timestamp: z.ZodNumber;
        token: z.ZodString;
    }, z.core.$strip>;
};
/** joinRoom: verify the token, bind the identity, enter the roster. */
export declare const joinRoom: {
    request: z.ZodObject<{
        appId: z.ZodString;
        token: z.ZodString;
        userId: z.ZodString;
        role: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
        nonce: z.ZodString;
        timestamp: z.ZodNumber;
        userRoomId: z.ZodString;
        peerId: z.ZodOptional<z.ZodString>;
        nickName: z.ZodOptional<z.ZodString>;
    }, z.core.$strip>;
    response: z.ZodObject<{
        sessionId: z.ZodString;
        roomKey: z.ZodString;
        member: z.ZodObject<{
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
        room: z.ZodObject<{
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
        heartbeatIntervalMs: z.ZodNumber;
        nextHeartbeatInMs: z.ZodNumber;
        leaseMs: z.ZodNumber;
        tokenExpiresAt: z.ZodNumber;
    }, z.core.$strip>;
};
/** leaveRoom: leave the roster (idempotent). */
export declare const leaveRoom: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        left: z.ZodBoolean;
    }, z.core.$strip>;
};
/** setRole: become anchor (1) or audience (2), as the stage policy allows. */
export declare const setRole: {
    request: z.ZodObject<{
        role: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** publish: a signed push URL for `<live-pusher>` (anchors only). */
export declare const publish: {
    request: z.ZodObject<{
        pushDomain: z.ZodOptional<z.ZodString>;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        pushUrl: z.ZodString;
        streamId: z.ZodString;
        expiresAt: z.ZodNumber;
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** unpublish: stop publishing. */
export declare const unpublish: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** One publishing anchor's pull URLs. */
export declare const pullStreamSchema: z.ZodObject<{
    userId: z.ZodString;
    streamId: z.ZodString;
    url: z.ZodString;
    urls: z.ZodObject<{
        rtmp: z.ZodString;
        flv: z.ZodString;
        hls: z.ZodString;
    }, z.core.$strip>;
    expiresAt: z.ZodNumber;
}, z.core.$strip>;
/** subscribe: signed pull URLs, one per publishing anchor (or the ones named). */
export declare const subscribe: {
    request: z.ZodObject<{
        userIds: z.ZodOptional<z.ZodArray<z.ZodString>>;
        pullDomain: z.ZodOptional<z.ZodString>;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        streams: z.ZodArray<z.ZodObject<{
            userId: z.ZodString;
            streamId: z.ZodString;
            url: z.ZodString;
            urls: z.ZodObject<{
                rtmp: z.ZodString;
                flv: z.ZodString;
                hls: z.ZodString;
            }, z.core.$strip>;
            expiresAt: z.ZodNumber;
        }, z.core.$strip>>;
    }, z.core.$strip>;
};
/** heartbeat: keep the session alive; the reply says when to come back and when the token expires. */
export declare const heartbeat: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        nextHeartbeatInMs: z.ZodNumber;
        expiresAt: z.ZodNumber;
        tokenExpiresAt: z.ZodNumber;
    }, z.core.$strip>;
};
/** getBroadcasterList: every anchor of the room. */
export declare const getBroadcasterList: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        members: z.ZodArray<z.ZodObject<{
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
        }, z.core.$strip>>;
    }, z.core.$strip>;
};
/** getAudienceList: the audience, one page at a time (ordered by userId, cursor = last userId). */
export declare const getAudienceList: {
    request: z.ZodObject<{
        cursor: z.ZodOptional<z.ZodString>;
        pageSize: z.ZodOptional<z.ZodNumber>;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        members: z.ZodArray<z.ZodObject<{
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
        }, z.core.$strip>>;
        nextCursor: z.ZodNullable<z.ZodString>;
    }, z.core.$strip>;
};
/** getRoomMemberCount: exact counts. */
export declare const getRoomMemberCount: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        total: z.ZodNumber;
        broadcasterCount: z.ZodNumber;
        audienceCount: z.ZodNumber;
    }, z.core.$strip>;
};
/** setStagePolicy (owner): who may take the stage from now on. */
export declare const setStagePolicy: {
    request: z.ZodObject<{
        policy: z.ZodEnum<{
            open: "open";
            invite: "invite";
        }>;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        room: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** inviteToStage (owner): the target may then setRole(1) in an invite-only room. */
export declare const inviteToStage: {
    request: z.ZodObject<{
        targetUserId: z.ZodString;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** promote (owner): makes the target an anchor at once (and invited, so a rejoin keeps the stage). */
export declare const promote: {
    request: z.ZodObject<{
        targetUserId: z.ZodString;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** demote (owner): makes the target audience, stops its stream and withdraws its invitation. */
export declare const demote: {
    request: z.ZodObject<{
        targetUserId: z.ZodString;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** raiseHand: sets `handRaised` on the caller's member document (anchors see it through watch). */
export declare const raiseHand: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** lowerHand: clears the caller's `handRaised`. */
export declare const lowerHand: {
    request: z.ZodObject<{
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** kick (owner): removes the target, revokes its token and bans it from the room for a while. */
export declare const kick: {
    request: z.ZodObject<{
        reason: z.ZodOptional<z.ZodString>;
        targetUserId: z.ZodString;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        userId: z.ZodString;
        bannedUntil: z.ZodNumber;
    }, z.core.$strip>;
};
/** mute (owner): the admin mute of the target (`stream.adminMuted`, and so `stream.muted`). */
export declare const mute: {
    request: z.ZodObject<{
        muted: z.ZodBoolean;
        targetUserId: z.ZodString;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** setMuted: the caller's own mute (`stream.selfMuted`, and so `stream.muted`). */
export declare const setMuted: {
    request: z.ZodObject<{
        muted: z.ZodBoolean;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        member: z.ZodObject<{
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
    }, z.core.$strip>;
};
/** A signal type: 1..32 of [A-Za-z0-9_.-]; the `jrtc.` prefix is the service's own. */
export declare const signalTypeSchema: z.ZodString;
/** A signal payload: any JSON value, at most Limits.signalPayloadMaxBytes once serialised. */
export declare const signalPayloadSchema: z.ZodJSONSchema;
/**
 * sendSignal: a custom signal to the whole room (no `toUserId`) or to one member, delivered through
 * the jrtc_signals collection (clients watch it; see shared/constants.ts `Collections.signals`).
 */
export declare const sendSignal: {
    request: z.ZodObject<{
        toUserId: z.ZodOptional<z.ZodString>;
        type: z.ZodString;
        payload: z.ZodJSONSchema;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        signalId: z.ZodString;
        seq: z.ZodNumber;
        createdAt: z.ZodNumber;
        expiresAt: z.ZodNumber;
    }, z.core.$strip>;
};
/** renewToken: a fresh token for the same user and room extends the session past the old token's expiry. */
export declare const renewToken: {
    request: z.ZodObject<{
        token: z.ZodString;
        nonce: z.ZodString;
        timestamp: z.ZodNumber;
        appId: z.ZodString;
        userRoomId: z.ZodString;
        userId: z.ZodString;
        sessionId: z.ZodString;
    }, z.core.$strip>;
    response: z.ZodObject<{
        tokenExpiresAt: z.ZodNumber;
    }, z.core.$strip>;
};
/** Every action by name. */
export declare const actions: {
    readonly issueToken: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            ttlSeconds: z.ZodOptional<z.ZodNumber>;
        }, z.core.$strip>;
        response: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            nonce: z.ZodString;
            timestamp: z.ZodNumber;
            token: z.ZodString;
        }, z.core.$strip>;
    };
    readonly joinRoom: {
        request: z.ZodObject<{
            appId: z.ZodString;
            token: z.ZodString;
            userId: z.ZodString;
            role: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
            nonce: z.ZodString;
            timestamp: z.ZodNumber;
            userRoomId: z.ZodString;
            peerId: z.ZodOptional<z.ZodString>;
            nickName: z.ZodOptional<z.ZodString>;
        }, z.core.$strip>;
        response: z.ZodObject<{
            sessionId: z.ZodString;
            roomKey: z.ZodString;
            member: z.ZodObject<{
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
            room: z.ZodObject<{
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
            heartbeatIntervalMs: z.ZodNumber;
            nextHeartbeatInMs: z.ZodNumber;
            leaseMs: z.ZodNumber;
            tokenExpiresAt: z.ZodNumber;
        }, z.core.$strip>;
    };
    readonly leaveRoom: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            left: z.ZodBoolean;
        }, z.core.$strip>;
    };
    readonly setRole: {
        request: z.ZodObject<{
            role: z.ZodUnion<readonly [z.ZodLiteral<1>, z.ZodLiteral<2>]>;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly publish: {
        request: z.ZodObject<{
            pushDomain: z.ZodOptional<z.ZodString>;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            pushUrl: z.ZodString;
            streamId: z.ZodString;
            expiresAt: z.ZodNumber;
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly unpublish: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly subscribe: {
        request: z.ZodObject<{
            userIds: z.ZodOptional<z.ZodArray<z.ZodString>>;
            pullDomain: z.ZodOptional<z.ZodString>;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            streams: z.ZodArray<z.ZodObject<{
                userId: z.ZodString;
                streamId: z.ZodString;
                url: z.ZodString;
                urls: z.ZodObject<{
                    rtmp: z.ZodString;
                    flv: z.ZodString;
                    hls: z.ZodString;
                }, z.core.$strip>;
                expiresAt: z.ZodNumber;
            }, z.core.$strip>>;
        }, z.core.$strip>;
    };
    readonly heartbeat: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            nextHeartbeatInMs: z.ZodNumber;
            expiresAt: z.ZodNumber;
            tokenExpiresAt: z.ZodNumber;
        }, z.core.$strip>;
    };
    readonly getBroadcasterList: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            members: z.ZodArray<z.ZodObject<{
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
            }, z.core.$strip>>;
        }, z.core.$strip>;
    };
    readonly getAudienceList: {
        request: z.ZodObject<{
            cursor: z.ZodOptional<z.ZodString>;
            pageSize: z.ZodOptional<z.ZodNumber>;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            members: z.ZodArray<z.ZodObject<{
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
            }, z.core.$strip>>;
            nextCursor: z.ZodNullable<z.ZodString>;
        }, z.core.$strip>;
    };
    readonly getRoomMemberCount: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            total: z.ZodNumber;
            broadcasterCount: z.ZodNumber;
            audienceCount: z.ZodNumber;
        }, z.core.$strip>;
    };
    readonly setStagePolicy: {
        request: z.ZodObject<{
            policy: z.ZodEnum<{
                open: "open";
                invite: "invite";
            }>;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            room: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly inviteToStage: {
        request: z.ZodObject<{
            targetUserId: z.ZodString;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly promote: {
        request: z.ZodObject<{
            targetUserId: z.ZodString;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly demote: {
        request: z.ZodObject<{
            targetUserId: z.ZodString;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly raiseHand: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly lowerHand: {
        request: z.ZodObject<{
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly kick: {
        request: z.ZodObject<{
            reason: z.ZodOptional<z.ZodString>;
            targetUserId: z.ZodString;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            userId: z.ZodString;
            bannedUntil: z.ZodNumber;
        }, z.core.$strip>;
    };
    readonly mute: {
        request: z.ZodObject<{
            muted: z.ZodBoolean;
            targetUserId: z.ZodString;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly setMuted: {
        request: z.ZodObject<{
            muted: z.ZodBoolean;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            member: z.ZodObject<{
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
        }, z.core.$strip>;
    };
    readonly sendSignal: {
        request: z.ZodObject<{
            toUserId: z.ZodOptional<z.ZodString>;
            type: z.ZodString;
            payload: z.ZodJSONSchema;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            signalId: z.ZodString;
            seq: z.ZodNumber;
            createdAt: z.ZodNumber;
            expiresAt: z.ZodNumber;
        }, z.core.$strip>;
    };
    readonly renewToken: {
        request: z.ZodObject<{
            token: z.ZodString;
            nonce: z.ZodString;
            timestamp: z.ZodNumber;
            appId: z.ZodString;
            userRoomId: z.ZodString;
            userId: z.ZodString;
            sessionId: z.ZodString;
        }, z.core.$strip>;
        response: z.ZodObject<{
            tokenExpiresAt: z.ZodNumber;
        }, z.core.$strip>;
    };
};
/** The name of an action. */
export type ActionName = keyof typeof actions;
/** The request payload of an action (without `action`). */
export type ActionRequest<A extends ActionName> = z.infer<(typeof actions)[A]['request']>;
/** The reply data of an action. */
export type ActionResponse<A extends ActionName> = z.infer<(typeof actions)[A]['response']>;
/** What `callFunction({name: 'jrtc', data})` sends for an action. */
export type ActionCall<A extends ActionName> = {
    action: A;
} & ActionRequest<A>;
/** True when `name` is a known action. */
export declare function isActionName(name: unknown): name is ActionName;
