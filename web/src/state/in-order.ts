/**
 * Tasks that need a lazily loaded module, run in the order they came: at once while the module
 * is loaded and nothing waits, else queued until the load settles (then with the module, or
 * with undefined if it failed), so a later task never overtakes an earlier one. Pure.
 */
export type OrderedTask<T> = (module: T | undefined) => void;

export class InOrder<T> {
  private queue: OrderedTask<T>[] | undefined;

  constructor(
    /** The module when it is loaded, else undefined. */
    private readonly loaded: () => T | undefined,
    private readonly load: () => Promise<T>,
    /** Runs a flushed queue (`runAll`), e.g. in one batch; told whether the load failed. */
    private readonly flush: (runAll: () => void, module: T | undefined) => void = (runAll) => runAll(),
  ) {}

  run(task: OrderedTask<T>): void {
    const module = this.loaded();
    if (module !== undefined && this.queue === undefined) {
      task(module);
      return;
    }
    if (this.queue === undefined) {
      const queue: OrderedTask<T>[] = [];
      this.queue = queue;
      const settle = (loaded: T | undefined) => {
        this.queue = undefined;
        this.flush(() => {
          for (const queued of queue) queued(loaded);
        }, loaded);
      };
      this.load().then(settle, () => settle(undefined));
    }
    this.queue.push(task);
  }
}
