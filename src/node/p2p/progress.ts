import type { Log } from './peer-manager.ts';

/**
 * Sync progress for people: a log line with height / best-known height / percent at most every
 * few seconds, and a progress bar redrawn in place on an interactive terminal.
 */
export class SyncProgress {
  private lastLog = 0;
  private barShown = false;

  constructor(
    private readonly log: Log,
    private readonly stream: NodeJS.WriteStream | undefined = process.stderr.isTTY
      ? process.stderr
      : undefined,
    private readonly intervalMs = 2000,
  ) {}

  update(height: number, bestKnown: number, startHeight: number): void {
    const total = Math.max(1, bestKnown - startHeight);
    const percent = Math.min(100, Math.floor(((height - startHeight) / total) * 1000) / 10);
    const now = Date.now();
    if (now - this.lastLog >= this.intervalMs) {
      this.lastLog = now;
      this.log('info', `sync: height ${height} / ${bestKnown} (${percent}%)`, { height, bestKnown, percent });
    }
    if (this.stream !== undefined && bestKnown - startHeight >= 500) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      this.stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${height}/${bestKnown}`,
      );
      this.barShown = true;
    }
  }

  done(height: number): void {
    if (this.barShown && this.stream !== undefined) this.stream.write('\n');
    this.barShown = false;
    this.lastLog = 0;
    this.log('info', `sync: done at height ${height}`, { height });
  }
}
