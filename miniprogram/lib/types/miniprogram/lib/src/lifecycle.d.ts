/**
 * The app's lifecycle as the room needs it: "away" (hidden, or the network gone) and "back" (shown
 * with a network). `wx` satisfies PlatformLike; tests pass a double they fire by hand.
 */
/** The part of `wx` that reports the app's lifecycle and the network. */
export interface PlatformLike {
    onAppHide(listener: () => void): void;
    onAppShow(listener: () => void): void;
    offAppHide?(listener: () => void): void;
    offAppShow?(listener: () => void): void;
    onNetworkStatusChange(listener: (result: {
        isConnected: boolean;
    }) => void): void;
    /** (`object`: wx types this listener's result apart from onNetworkStatusChange's.) */
    offNetworkStatusChange?(listener: (result: object) => void): void;
}
/** True when `value` has the functions PlatformLike requires. */
export declare function isPlatform(value: unknown): value is PlatformLike;
/**
 * Calls `away()` when the app is hidden or loses its network, and `back()` once it is both shown and
 * online again. Returns a function that stops listening (where the platform can: `off*` are optional).
 */
export declare function followLifecycle(platform: PlatformLike, away: () => void, back: () => void): () => void;
