/**
 * Small glue every scenario page shares. The pages are built with `Component()` rather than
 * `Page()`: the platform supports it (page lifecycles such as onLoad / onUnload go into `methods`,
 * the query arrives as onLoad's argument), and it is the form miniprogram-simulate can load, so the
 * pages are tested as they ship (its maintainers' advice: wechat-miniprogram/miniprogram-simulate#26).
 */
import type { MediaEvent } from './media';

/** A tap or media event's `data-user-id`, '' when absent. */
export function userIdOf(event: { currentTarget?: { dataset?: Record<string, unknown> } }): string {
  const dataset = (event.currentTarget && event.currentTarget.dataset) || {};
  return typeof dataset.userId === 'string' ? dataset.userId : '';
}

/** A media component's event as the SDK's handlers take it (`type` names the event). */
export function mediaEventOf(event: { type: string; detail?: unknown }): MediaEvent {
  return { type: event.type, detail: (event.detail || {}) as MediaEvent['detail'] };
}

/**
 * A per-page-instance home for a controller object: page data must stay plain JSON, so the room
 * link lives here, keyed by the page instance, and goes with it.
 */
export class PageSlots<T> {
  private readonly slots = new WeakMap<object, T>();

  /** Stores `value` for `page`. */
  set(page: object, value: T): T {
    this.slots.set(page, value);
    return value;
  }

  /** The value stored for `page`, if any. */
  get(page: object): T | undefined {
    return this.slots.get(page);
  }

  /** Calls `fn` with `page`'s value when there is one (a tap after leaving does nothing). */
  with<R>(page: object, fn: (value: T) => R): R | undefined {
    const value = this.slots.get(page);
    return value === undefined ? undefined : fn(value);
  }

  /** Forgets `page`'s value and returns it. */
  take(page: object): T | undefined {
    const value = this.slots.get(page);
    this.slots.delete(page);
    return value;
  }
}
