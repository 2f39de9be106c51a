import { loadExeca } from './lazy-execa.js';
import { EnvironmentError } from '@avpres/core';

export interface Capabilities {
  encoders: ReadonlySet<string>;
  decoders: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  muxers: ReadonlySet<string>;
}

export interface Requirements {
  encoders?: readonly string[];
  decoders?: readonly string[];
  filters?: readonly string[];
  muxers?: readonly string[];
}

const cache = new Map<string, Promise<Capabilities>>();

/** What an ffmpeg binary can do, asked once per path. */
export function ffmpegCapabilities(ffmpegPath: string): Promise<Capabilities> {
  let found = cache.get(ffmpegPath);
  if (!found) {
    found = readCapabilities(ffmpegPath);
    cache.set(ffmpegPath, found);
  }
  return found;
}

async function readCapabilities(ffmpegPath: string): Promise<Capabilities> {
  const { execa } = await loadExeca();
  const list = async (what: string) => {
    const r = await execa(ffmpegPath, ['-hide_banner', `-${what}`], { reject: false, stdin: 'ignore', timeout: 20_000 });
    return r.stdout;
  };
  const [encoders, decoders, filters, muxers] = await Promise.all([
    list('encoders'),
    list('decoders'),
    list('filters'),
    list('muxers'),
  ]);
  return {
    encoders: parseCodecList(encoders),
    decoders: parseCodecList(decoders),
    filters: parseFilterList(filters),
    muxers: parseFormatList(muxers),
  };
}

/** `-encoders`/`-decoders`: " V.S... ffv1   FFmpeg video codec #1" after a "------" line. */
export function parseCodecList(text: string): Set<string> {
  return namesAfterRule(text, /^\s*[VASFXBD.]{6}\s+(\S+)/);
}

/** `-filters`: " TS. bwdif   V->V   Deinterlace the input image." */
export function parseFilterList(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*[TSC.|]{3}\s+(\S+)\s+\S+->\S+/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/** `-muxers`: "  E framemd5   Per-frame MD5 testing" (names may be comma lists). */
export function parseFormatList(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*D?E?\s+([\w,]+)\s+\S/.exec(line);
    if (m?.[1] && /^\s*[DE ]{2}\s/.test(line)) for (const n of m[1].split(',')) names.add(n);
  }
  return names;
}

function namesAfterRule(text: string, pattern: RegExp): Set<string> {
  const names = new Set<string>();
  let started = false;
  for (const line of text.split('\n')) {
    if (/^\s*-{3,}\s*$/.test(line)) {
      started = true;
      continue;
    }
    if (!started) continue;
    const m = pattern.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/** Names from `needs` that `caps` lacks, as "encoder libx264" etc. */
export function missingCapabilities(caps: Capabilities, needs: Requirements): string[] {
  const missing: string[] = [];
  const check = (kind: string, have: ReadonlySet<string>, want: readonly string[] | undefined) => {
    for (const name of want ?? []) if (!have.has(name)) missing.push(`${kind} ${name}`);
  };
  check('encoder', caps.encoders, needs.encoders);
  check('decoder', caps.decoders, needs.decoders);
  check('filter', caps.filters, needs.filters);
  check('muxer', caps.muxers, needs.muxers);
  return missing;
}

export async function requireCapabilities(ffmpegPath: string, needs: Requirements): Promise<void> {
  const missing = missingCapabilities(await ffmpegCapabilities(ffmpegPath), needs);
  if (missing.length > 0) {
    throw new EnvironmentError(`${ffmpegPath} lacks ${missing.join(', ')}: use an ffmpeg build that has them (--ffmpeg PATH)`);
  }
}
