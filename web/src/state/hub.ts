/**
 * One state object that components subscribe to, written through owner-scoped writers: each
 * key is claimed by exactly one module (a second claim throws), so "who changes X" has one
 * answer. Pure: no DOM, testable under Node.
 */

export type Listener = () => void;

/** Writes only the keys `K` of the state `S`; other keys are a type error. */
export type Writer<S, K extends keyof S> = (patch: Partial<Pick<S, K>>) => void;

export class StateHub<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener>();
  private readonly owned = new Set<keyof S>();
  private batchDepth = 0;
  private changed = false;

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Claims `keys` for one owner and returns its writer. */
  own<K extends keyof S>(...keys: K[]): Writer<S, K> {
    for (const key of keys) {
      if (this.owned.has(key)) throw new Error(`state key ${String(key)} already has an owner`);
      this.owned.add(key);
    }
    return (patch) => this.write(patch as Partial<S>);
  }

  /** Runs `action` and tells the listeners once at the end, however many owners it changed. */
  batch<T>(action: () => T): T {
    this.batchDepth++;
    try {
      return action();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0 && this.changed) this.notify();
    }
  }

  private write(patch: Partial<S>): void {
    this.current = { ...this.current, ...patch };
    if (this.batchDepth > 0) this.changed = true;
    else this.notify();
  }

  private notify(): void {
    this.changed = false;
    for (const listener of this.listeners) listener();
  }
}
