/** Any callback map: event name → listener signature. */
export type EventCallbacks<E> = { [K in keyof E]: (...args: never[]) => void };

/**
 * A tiny typed event emitter (mini programs have no Node `events`). A listener that throws does not stop
 * the others nor the SDK: its error is rethrown on a fresh stack, where the platform reports it
 * (App.onError in a mini program).
 */
export class TypedEmitter<E extends EventCallbacks<E>> {
  private listeners: { [K in keyof E]?: Array<E[K]> } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs once. */
  once<K extends keyof E>(event: K, listener: E[K]): () => void {
    const wrapper = ((...args: Parameters<E[K]>) => {
      off();
      (listener as (...a: Parameters<E[K]>) => void)(...args);
    }) as unknown as E[K];
    const off = this.on(event, wrapper);
    return off;
  }

  /** Removes a listener (no-op when absent). */
  off<K extends keyof E>(event: K, listener: E[K]): void {
    const list = this.listeners[event];
    if (list) this.listeners[event] = list.filter((l) => l !== listener);
  }

  /** Removes every listener. */
  removeAllListeners(): void {
    this.listeners = {};
  }

  /** Calls the event's listeners in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    // A copy: a listener may remove itself (once) while we iterate.
    for (const listener of (this.listeners[event] || []).slice()) {
      try {
        (listener as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        setTimeout(() => {
          throw err;
        }, 0);
      }
    }
  }
}
