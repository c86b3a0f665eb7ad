/**
 * A tiny typed event emitter (the shape of hls.js's `on/off/trigger`), so the app
 * can listen to any engine without knowing which one runs. No DOM, no engine imports.
 */
export type Listener<T> = (payload: T) => void;

export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(type: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => this.off(type, fn);
  }

  off<K extends keyof Events>(type: K, fn: Listener<Events[K]>): void {
    this.listeners.get(type)?.delete(fn as Listener<never>);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    // Copy: a listener may unsubscribe while we iterate.
    for (const fn of [...set]) {
      try {
        (fn as Listener<Events[K]>)(payload);
      } catch (err) {
        // One broken listener must not silence the others (nor break the engine calling us).
        console.error(`listener for ${String(type)} failed`, err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
