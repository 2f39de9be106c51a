import { open } from 'node:fs/promises';
import { InputError } from '@avpres/core';

/** Where a WAV file's samples are, and what they are: enough to rebuild it from FLAC. */
export interface WavLayout {
  /** Bytes before the sample data (RIFF header, fmt and any other chunks). */
  dataOffset: number;
  dataBytes: number;
  channels: number;
  sampleRate: number;
  bits: 16 | 24;
  /** The raw PCM format ffmpeg decodes the FLAC stream to: the WAV's own sample format. */
  pcm: 's16le' | 's24le';
}

function refuse(file: string, what: string): never {
  throw new InputError(`${file}: unsupported WAV: ${what}`, { file });
}

/**
 * Reads the chunk list of a WAV file (positioned reads, the samples are not loaded): PCM
 * (format 1, or extensible with the PCM sub-format), 16 or 24 bits, one data chunk.
 */
export async function readWavLayout(path: string): Promise<WavLayout> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`, { file: path, cause: error });
  });
  try {
    const { size } = await handle.stat();
    const read = async (at: number, length: number) => {
      const b = Buffer.alloc(length);
      const { bytesRead } = await handle.read(b, 0, length, at);
      return b.subarray(0, bytesRead);
    };
    const head = await read(0, 12);
    if (head.length < 12 || head.toString('latin1', 8, 12) !== 'WAVE') refuse(path, 'not a RIFF WAVE file');
    if (head.toString('latin1', 0, 4) !== 'RIFF') refuse(path, `${head.toString('latin1', 0, 4)} files (RF64, big-endian RIFX) are not supported`);
    let at = 12;
    let fmt: Buffer | undefined;
    while (at + 8 <= size) {
      const chunk = await read(at, 8);
      const id = chunk.toString('latin1', 0, 4);
      const length = chunk.readUInt32LE(4);
      if (id === 'fmt ') fmt = await read(at + 8, Math.min(length, 64));
      if (id === 'data') {
        if (!fmt) refuse(path, 'data chunk before the fmt chunk');
        const tag = fmt.readUInt16LE(0);
        const pcm = tag === 1 || (tag === 0xfffe && fmt.length >= 26 && fmt.readUInt16LE(24) === 1);
        if (!pcm) refuse(path, `format tag 0x${tag.toString(16)} (only integer PCM is supported)`);
        const channels = fmt.readUInt16LE(2);
        const sampleRate = fmt.readUInt32LE(4);
        const bits = fmt.readUInt16LE(14);
        if (bits !== 16 && bits !== 24) refuse(path, `${bits} bits per sample (supported: 16, 24)`);
        if (at + 8 + length > size) refuse(path, `truncated: the data chunk needs ${at + 8 + length} bytes, the file has ${size}`);
        if (length % (channels * (bits / 8)) !== 0) refuse(path, 'the data chunk ends inside a sample frame');
        return { dataOffset: at + 8, dataBytes: length, channels, sampleRate, bits, pcm: bits === 16 ? 's16le' : 's24le' };
      }
      at += 8 + length + (length % 2);
    }
    refuse(path, 'no data chunk');
  } finally {
    await handle.close();
  }
}
