/**
 * A device clock for pages that run in the test's own process: the bundled SDK and the demo pages
 * read `Date.now()`, as on a phone, and a phone's clock agrees with the server's. The local cloud
 * does not patch `Date.now` in its own process (emulator/timers/clock.ts), so a test that moves the
 * cloud's clock and wants the in-process "phone" to see the move patches it here, for the test's
 * lifetime only.
 */

/** What the device clock follows (the local cloud's EmulatorClock). */
export interface CloudClock {
  readonly offset: number;
}

/**
 * Makes `Date.now()` in this realm run `clock.offset` ahead of real time until the returned
 * function restores it.
 */
export function followCloudClock(clock: CloudClock): () => void {
  const previous = Date.now;
  const patched = (): number => previous.call(Date) + clock.offset;
  Date.now = patched;
  return () => {
    if (Date.now === patched) Date.now = previous;
  };
}
