import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { InputError } from '@avpres/core';

/**
 * MediaInfo (mediainfo.js, WASM) on a worker thread. MediaInfo parses every block of an MKV:
 * about 1 s of CPU per 250 MB of noisy FFV1. On the main thread that time would add to the
 * md5 of the stored MKV that runs there at the same moment; on a worker the two overlap.
 */
export class MediainfoWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { file: string; resolve: (xml: string) => void; reject: (error: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { avpresMediainfo: true } });
    this.worker.on('message', ({ id, xml, error }: Reply) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) waiting?.reject(new InputError(error, { file: waiting.file }));
      else waiting?.resolve(xml ?? '');
    });
    const stop = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', () => stop(new Error('the MediaInfo worker stopped')));
  }

  /** MediaInfo XML of `file`; requests are answered one after another. */
  xml(file: string): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    const answer = new Promise<string>((resolve, reject) => this.pending.set(id, { file, resolve, reject }));
    this.worker.postMessage({ id, file });
    return answer;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

interface Reply {
  id: number;
  xml?: string;
  error?: string;
}

if (!isMainThread && (workerData as { avpresMediainfo?: boolean } | undefined)?.avpresMediainfo) {
  const { mediainfoXml } = await import('@avpres/media');
  let queue = Promise.resolve();
  parentPort!.on('message', ({ id, file }: { id: number; file: string }) => {
    queue = queue.then(async () => {
      try {
        parentPort!.postMessage({ id, xml: await mediainfoXml(file) } satisfies Reply);
      } catch (error) {
        parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
      }
    });
  });
}
