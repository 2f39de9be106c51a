import { deflateSync, inflateSync } from 'node:zlib';
import { InputError, VerificationError } from '@avpres/core';
import type { FrameLayout } from './frame-layout.js';
import type { PaddingBits } from './pack-frame.js';

/**
 * The reversibility data of the builtin engine, format version 1 (see README.md): what
 * ffmpeg's decode of the sequence does not keep, so every file can be rebuilt exactly.
 * Stored as one or more zlib-compressed parts, each an MKV attachment.
 */
export const REVERSIBILITY_VERSION = 1;
export const REVERSIBILITY_MAGIC = 'AVPRSEQ1';
export const REVERSIBILITY_MIME = 'application/octet-stream';
/** Parts are cut after this many uncompressed bytes, well under ffmpeg's attachment limits. */
export const DEFAULT_PART_BYTES = 64 * 1024 * 1024;

export function attachmentName(part: number, parts: number): string {
  return `avpres_seq2ffv1_reversibility_v${REVERSIBILITY_VERSION}_part${String(part + 1).padStart(3, '0')}of${String(parts).padStart(3, '0')}.bin`;
}
export const ATTACHMENT_PATTERN = /^avpres_seq2ffv1_reversibility_v(\d+)_part(\d+)of(\d+)\.bin$/;

/** Facts about the whole sequence, repeated in every part. */
export interface SequenceInfo {
  /** The sequence folder's name (the decode recreates it). */
  name: string;
  layout: FrameLayout;
  /** As given to ffmpeg, e.g. "24" or "24000/1001". */
  frameRate: string;
  fileCount: number;
  gaps: Array<{ from: number; to: number }>;
  /** WAV files muxed as FLAC streams, in stream order (absent: none). */
  audio?: AudioRecord[] | undefined;
}

/** A WAV file given back from a FLAC stream: its bytes around the samples, base64 in the JSON. */
export interface AudioRecord {
  name: string;
  size: number;
  md5: string;
  header: string;
  trailer: string;
  pcm: 's16le' | 's24le';
  channels: number;
  sampleRate: number;
  dataBytes: number;
}

export interface FileRecord {
  /** Path relative to the sequence folder, forward slashes. */
  name: string;
  size: number;
  md5: string;
  /** Bytes before the image data (headers, user data). */
  header: Buffer;
  /** Bytes after the image data. */
  trailer: Buffer;
  /** Bits the decode drops that were not zero. */
  padding: PaddingBits;
}

interface PartMeta {
  format: 'avpres-seq2ffv1-reversibility';
  version: number;
  part: number;
  firstFile: number;
  files: number;
  sequence: SequenceInfo;
}

/** Collects records as the pre-pass reads the files, cutting parts by size. */
export class ReversibilityWriter {
  private parts: Buffer[][] = [];
  private current: Buffer[] = [];
  private currentBytes = 0;
  private currentFirst = 0;
  private currentCount = 0;
  private firsts: number[] = [];
  private counts: number[] = [];
  private previous: { header: Buffer; trailer: Buffer } | undefined;
  private total = 0;

  constructor(private readonly partBytes = DEFAULT_PART_BYTES) {}

  add(record: FileRecord): void {
    const encoded = encodeRecord(record, this.previous);
    if (this.currentCount > 0 && this.currentBytes + encoded.length > this.partBytes) this.cut();
    if (this.currentCount === 0) {
      // A part starts without a previous header, so each part decodes on its own.
      this.currentFirst = this.total;
      this.previous = undefined;
      this.current.push(encodeRecord(record, undefined));
    } else {
      this.current.push(encoded);
    }
    this.currentBytes += encoded.length;
    this.currentCount++;
    this.total++;
    this.previous = { header: record.header, trailer: record.trailer };
  }

  private cut(): void {
    this.parts.push(this.current);
    this.firsts.push(this.currentFirst);
    this.counts.push(this.currentCount);
    this.current = [];
    this.currentBytes = 0;
    this.currentCount = 0;
  }

  /** The compressed parts, in order. */
  finish(sequence: Omit<SequenceInfo, 'fileCount'>): Buffer[] {
    if (this.currentCount > 0) this.cut();
    const info: SequenceInfo = { ...sequence, fileCount: this.total };
    return this.parts.map((records, part) => {
      const meta: PartMeta = {
        format: 'avpres-seq2ffv1-reversibility',
        version: REVERSIBILITY_VERSION,
        part,
        firstFile: this.firsts[part]!,
        files: this.counts[part]!,
        sequence: info,
      };
      const json = Buffer.from(JSON.stringify(meta), 'utf8');
      const head = Buffer.alloc(12);
      head.write(REVERSIBILITY_MAGIC, 0, 'latin1');
      head.writeUInt32LE(json.length, 8);
      return deflateSync(Buffer.concat([head, json, ...records]), { level: 9 });
    });
  }
}

/** Unsigned LEB128. */
function varint(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** A block of bytes, stored as the XOR with the previous file's block when both have the same length. */
function block(bytes: Buffer, previous: Buffer | undefined): Buffer[] {
  if (previous && previous.length === bytes.length && bytes.length > 0) {
    const xor = Buffer.allocUnsafe(bytes.length);
    for (let i = 0; i < bytes.length; i++) xor[i] = bytes[i]! ^ previous[i]!;
    return [varint(bytes.length), Buffer.from([1]), xor];
  }
  return [varint(bytes.length), Buffer.from([0]), bytes];
}

function encodeRecord(r: FileRecord, previous: { header: Buffer; trailer: Buffer } | undefined): Buffer {
  const name = Buffer.from(r.name, 'utf8');
  const chunks: Buffer[] = [varint(name.length), name, varint(r.size), Buffer.from(r.md5, 'hex')];
  chunks.push(...block(r.header, previous?.header), ...block(r.trailer, previous?.trailer));
  chunks.push(varint(r.padding.offsets.length));
  let last = 0;
  for (let i = 0; i < r.padding.offsets.length; i++) {
    chunks.push(varint(r.padding.offsets[i]! - last), Buffer.from([r.padding.values[i]!]));
    last = r.padding.offsets[i]!;
  }
  return Buffer.concat(chunks);
}

/** Everything read back from the attachments: the sequence facts and every file's record, in order. */
export interface Reversibility {
  sequence: SequenceInfo;
  records: FileRecord[];
}

/** Reads the parts (any order); a damaged or incomplete set is a VerificationError. */
export function readReversibility(parts: readonly Buffer[], source: string): Reversibility {
  const decoded = parts.map((p, i) => readPart(p, `${source} (attachment ${i + 1})`));
  decoded.sort((a, b) => a.meta.part - b.meta.part);
  if (decoded.length === 0) throw new InputError(`${source}: no seq2ffv1 reversibility data (not made by avpres seq2ffv1 --engine builtin)`, { file: source });
  const sequence = decoded[0]!.meta.sequence;
  const records: FileRecord[] = [];
  for (const [i, d] of decoded.entries()) {
    if (d.meta.part !== i || d.meta.firstFile !== records.length) {
      throw new VerificationError(`${source}: reversibility data incomplete: part ${i + 1} missing or out of order`, { file: source });
    }
    records.push(...d.records);
  }
  if (records.length !== sequence.fileCount) {
    throw new VerificationError(`${source}: reversibility data holds ${records.length} files, expected ${sequence.fileCount}`, { file: source });
  }
  return { sequence, records };
}

function readPart(compressed: Buffer, where: string): { meta: PartMeta; records: FileRecord[] } {
  let data: Buffer;
  try {
    data = inflateSync(compressed);
  } catch (error) {
    throw new VerificationError(`${where}: reversibility data damaged (${(error as Error).message})`, { cause: error });
  }
  if (data.toString('latin1', 0, 8) !== REVERSIBILITY_MAGIC) throw new VerificationError(`${where}: not seq2ffv1 reversibility data`);
  const jsonLength = data.readUInt32LE(8);
  const meta = JSON.parse(data.toString('utf8', 12, 12 + jsonLength)) as PartMeta;
  if (meta.version !== REVERSIBILITY_VERSION) {
    throw new InputError(`${where}: reversibility data version ${meta.version}; this avpres reads version ${REVERSIBILITY_VERSION}`);
  }
  let at = 12 + jsonLength;
  const readVarint = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (at >= data.length) throw new VerificationError(`${where}: reversibility data cut short`);
      const b = data[at++]!;
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return n;
      scale *= 128;
    }
  };
  const take = (n: number) => {
    if (at + n > data.length) throw new VerificationError(`${where}: reversibility data cut short`);
    const out = data.subarray(at, at + n);
    at += n;
    return out;
  };
  const readBlock = (previous: Buffer | undefined) => {
    const length = readVarint();
    const mode = take(1)[0]!;
    const bytes = Buffer.from(take(length));
    if (mode === 1) {
      if (!previous || previous.length !== length) throw new VerificationError(`${where}: reversibility data inconsistent (delta without a base)`);
      for (let i = 0; i < length; i++) bytes[i] = bytes[i]! ^ previous[i]!;
    }
    return bytes;
  };
  const records: FileRecord[] = [];
  let previous: FileRecord | undefined;
  for (let i = 0; i < meta.files; i++) {
    const name = take(readVarint()).toString('utf8');
    const size = readVarint();
    const md5 = take(16).toString('hex');
    const header = readBlock(previous?.header);
    const trailer = readBlock(previous?.trailer);
    const count = readVarint();
    const offsets: number[] = [];
    const values: number[] = [];
    let last = 0;
    for (let k = 0; k < count; k++) {
      last += readVarint();
      offsets.push(last);
      values.push(take(1)[0]!);
    }
    previous = { name, size, md5, header, trailer, padding: { offsets, values } };
    records.push(previous);
  }
  return { meta, records };
}
