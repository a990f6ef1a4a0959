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
  onNetworkStatusChange(listener: (result: { isConnected: boolean }) => void): void;
  /** (`object`: wx types this listener's result apart from onNetworkStatusChange's.) */
  offNetworkStatusChange?(listener: (result: object) => void): void;
}

/** True when `value` has the functions PlatformLike requires. */
export function isPlatform(value: unknown): value is PlatformLike {
  const p = value as Record<string, unknown> | null;
  return !!p && typeof p.onAppHide === 'function' && typeof p.onAppShow === 'function' && typeof p.onNetworkStatusChange === 'function';
}

/**
 * Calls `away()` when the app is hidden or loses its network, and `back()` once it is both shown and
 * online again. Returns a function that stops listening (where the platform can: `off*` are optional).
 */
export function followLifecycle(platform: PlatformLike, away: () => void, back: () => void): () => void {
  let hidden = false;
  let offline = false;
  let on = true;
  const update = (nextHidden: boolean, nextOffline: boolean): void => {
    if (!on) return;
    const wasAway = hidden || offline;
    hidden = nextHidden;
    offline = nextOffline;
    if (!wasAway && (hidden || offline)) away();
    else if (wasAway && !hidden && !offline) back();
  };
  const onHide = (): void => update(true, offline);
  const onShow = (): void => update(false, offline);
  const onNetwork = (result: object): void => update(hidden, !(result && (result as { isConnected?: boolean }).isConnected));
  platform.onAppHide(onHide);
  platform.onAppShow(onShow);
  platform.onNetworkStatusChange(onNetwork);
  return () => {
    // Without off* the listeners stay registered: `on` makes them inert.
    on = false;
    if (platform.offAppHide) platform.offAppHide(onHide);
    if (platform.offAppShow) platform.offAppShow(onShow);
    if (platform.offNetworkStatusChange) platform.offNetworkStatusChange(onNetwork);
  };
}
