import { appendFile, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { fsError, partialPath, type ManifestEntry } from '@avpres/fixity';

/**
 * What earlier runs verified, so a re-run skips those files after re-hashing only the
 * copy: the finished manifest of a previous run, and the growing `<manifest>.partial` an
 * interrupted run left (one md5sum line per verified file, appended as each is verified).
 */
export class Journal {
  /** Kept open for the run: one append per verified file, not an open and close each. */
  private handle: Promise<FileHandle> | undefined;

  private constructor(
    private readonly file: string,
    readonly known: Map<string, string>,
  ) {}

  static async open(manifest: string): Promise<Journal> {
    const known = new Map<string, string>();
    const journal = partialPath(manifest);
    for (const file of [manifest, journal]) {
      const text = await readFile(file, 'utf8').catch(() => '');
      // Only whole lines count: a run killed mid-write leaves a torn last line, which is
      // dropped here and cut off from the next record by a newline.
      const lines = text.split('\n');
      const torn = lines.pop();
      for (const line of lines) {
        const match = /^([0-9a-f]{32,128}) [ *](.+)$/.exec(line);
        if (match && !line.startsWith('\\')) known.set(match[2]!, match[1]!);
      }
      if (file === journal && torn) await appendFile(journal, '\n');
    }
    return new Journal(journal, known);
  }

  async record(entry: ManifestEntry): Promise<void> {
    this.known.set(entry.path, entry.hash);
    // Names with a newline cannot go on one line; they are simply re-verified next time.
    if (/[\n\r\\]/.test(entry.path)) return;
    try {
      this.handle ??= open(this.file, 'a');
      await (await this.handle).appendFile(`${entry.hash}  ${entry.path}\n`);
    } catch (error) {
      throw fsError(this.file, error, 'write');
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await (await handle?.catch(() => undefined))?.close();
  }

  /** The final manifest is written: the journal has served. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.file, { force: true });
  }
}
