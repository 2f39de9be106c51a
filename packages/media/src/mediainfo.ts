import { open } from 'node:fs/promises';
import mediaInfoFactory from 'mediainfo.js';
import { InputError } from '@avpres/core';

/**
 * MediaInfo's XML report of a file, in-process (mediainfo.js, WASM): no program needed.
 * Reads only the parts of the file MediaInfo asks for.
 */
export async function mediainfoXml(file: string): Promise<string> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new InputError(`${file}: cannot open for MediaInfo (${(error as Error).message})`, { file, cause: error });
  });
  const mi = await mediaInfoFactory({ format: 'XML', full: true });
  try {
    const { size } = await handle.stat();
    const readChunk = async (chunkSize: number, offset: number) => {
      const buffer = new Uint8Array(chunkSize);
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, offset);
      return buffer.subarray(0, bytesRead);
    };
    return await mi.analyzeData(size, readChunk);
  } finally {
    mi.close();
    await handle.close();
  }
}
