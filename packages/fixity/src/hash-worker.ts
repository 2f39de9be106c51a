// A HashPool worker: follows or hashes files on its own thread, several jobs at once.
import { parentPort } from 'node:worker_threads';
import { followFile, type FileFollower } from './follow-file.js';
import type { PoolRequest, PoolReply } from './hash-pool.js';

const port = parentPort!;
const jobs = new Map<number, FileFollower>();
const send = (reply: PoolReply) => port.postMessage(reply);

port.on('message', (message: PoolRequest) => {
  switch (message.type) {
    case 'start': {
      const follower = followFile(message.path, {
        algorithm: message.algorithm,
        ...(message.chunkSize ? { chunkSize: message.chunkSize } : {}),
        ...(message.sizeHint !== undefined ? { sizeHint: message.sizeHint } : {}),
        onBytes: (bytes) => send({ type: 'bytes', id: message.id, bytes }),
      });
      jobs.set(message.id, follower);
      if (message.final) finish(message.id, follower);
      return;
    }
    case 'extend':
      jobs.get(message.id)?.extend(message.written);
      return;
    case 'finish': {
      const follower = jobs.get(message.id);
      if (follower) finish(message.id, follower);
      return;
    }
    case 'abort':
      jobs.get(message.id)?.abort();
      return;
  }
});

function finish(id: number, follower: FileFollower): void {
  follower.finish().then(
    ({ digest, size }) => send({ type: 'done', id, digest, size }),
    (error: unknown) => {
      const e = error as NodeJS.ErrnoException;
      // Our errors keep the system's code in `cause`; the main thread rebuilds the class from it.
      const errno = (e?.cause as NodeJS.ErrnoException | undefined)?.code ?? (e?.code?.startsWith('E_') ? undefined : e?.code);
      send({ type: 'error', id, name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(errno ? { code: errno } : {}) });
    },
  ).finally(() => jobs.delete(id));
}
