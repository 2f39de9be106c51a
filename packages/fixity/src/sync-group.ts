import { execFile } from 'node:child_process';

export interface SyncGroupOptions {
  /**
   * Start a flush once this many callers wait (default 32). Give about half the copies
   * under way at once: if every one of them waits, the flush waits for the window.
   */
  batch?: number;
  /** ...or once the first of them has waited this long (default 250 ms). */
  windowMs?: number;
}

/**
 * Makes many finished copies durable with one flush of their file system instead of one
 * fsync each: for 2,000 files of 500 kB, an fsync each added 3-5 s to the writing, one
 * syncfs next to nothing. Callers wait together for the next flush (group commit); a
 * flush starts when `batch` callers wait or `windowMs` has passed, since each costs a
 * process start (~30 ms of CPU from a large process). The flush is coreutils' `sync --file-system` (syncfs(2)); where
 * that is missing or fails, `flush` runs the caller's own fsync instead.
 */
export class SyncGroup {
  private waiting: { resolve: (flushed: boolean) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private supported = process.platform === 'linux';
  private readonly batch: number;
  private readonly windowMs: number;
  /** Tickets given out and not yet used (their holders may still join). */
  private outstanding = 0;
  private ticketed = false;

  /** @param dir any folder on the file system the copies are written to */
  constructor(
    private readonly dir: string,
    options: SyncGroupOptions = {},
  ) {
    this.batch = Math.max(1, options.batch ?? 32);
    this.windowMs = options.windowMs ?? 250;
  }

  /** Resolve once everything the caller wrote before the call is on disk. */
  async flush(fsyncOne: () => Promise<void>): Promise<void> {
    if (this.supported && (await this.join())) return;
    await fsyncOne();
  }

  /**
   * A place in the group for one copy under way, taken when the copy starts: once every
   * holder of a ticket waits (or has given its ticket up), no one else can join before the
   * flush, so it starts at once instead of after the window. Without this the last files
   * of a run waited out the whole window.
   */
  ticket(): SyncTicket {
    this.ticketed = true;
    this.outstanding++;
    let used = false;
    const use = () => {
      if (used) return false;
      used = true;
      this.outstanding--;
      return true;
    };
    return {
      flush: (fsyncOne) => {
        use();
        return this.flush(fsyncOne);
      },
      forgo: () => {
        if (use() && this.waiting.length > 0 && this.outstanding === 0) this.startSoon();
      },
    };
  }

  private join(): Promise<boolean> {
    const joined = new Promise<boolean>((resolve) => this.waiting.push({ resolve }));
    if (this.waiting.length >= this.batch || (this.ticketed && this.outstanding === 0)) this.startSoon();
    else this.timer ??= setTimeout(() => this.startSoon(), this.windowMs);
    return joined;
  }

  /** Flush for everyone waiting now, after the flush under way (which may predate their data). */
  private startSoon(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.waiting.splice(0);
    if (group.length === 0) return;
    const previous = this.running ?? Promise.resolve();
    const run = previous.then(
      () =>
        new Promise<void>((resolve) => {
          execFile('sync', ['--file-system', '--', this.dir], (error) => {
            if (error) this.supported = false;
            for (const w of group) w.resolve(!error);
            resolve();
          });
        }),
    );
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }
}

/** One copy's place in a SyncGroup (see SyncGroup.ticket). */
export interface SyncTicket {
  /** SyncGroup.flush, for this copy. */
  flush(fsyncOne: () => Promise<void>): Promise<void>;
  /** This copy will not flush after all (skipped, failed); nothing once it has flushed. */
  forgo(): void;
}
