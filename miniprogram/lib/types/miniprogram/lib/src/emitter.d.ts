/** Any callback map: event name → listener signature. */
export type EventCallbacks<E> = {
    [K in keyof E]: (...args: never[]) => void;
};
/**
 * A tiny typed event emitter (mini programs have no Node `events`). A listener that throws does not stop
 * the others nor the SDK: its error is rethrown on a fresh stack, where the platform reports it
 * (App.onError in a mini program).
 */
export declare class TypedEmitter<E extends EventCallbacks<E>> {
    private listeners;
    /** Adds a listener; returns a function that removes it. */
    on<K extends keyof E>(event: K, listener: E[K]): () => void;
    /** Adds a listener that runs once. */
    once<K extends keyof E>(event: K, listener: E[K]): () => void;
    /** Removes a listener (no-op when absent). */
    off<K extends keyof E>(event: K, listener: E[K]): void;
    /** Removes every listener. */
    removeAllListeners(): void;
    /** Calls the event's listeners in the order they were added. */
    emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void;
}
