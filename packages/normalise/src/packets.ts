import { compareFramemd5, parseFramemd5 } from '@avpres/fixity';

/**
 * Do two packet lists (framehash text) hold the same packets? Empty packets are left out:
 * an encoder's final side-data-only packet reaches NUT but not Matroska, and holds no media.
 */
export function comparePacketLists(expectedText: string, actualText: string): { equal: boolean; summary: string } {
  const strip = (text: string) => {
    const parsed = parseFramemd5(text);
    return { ...parsed, frames: parsed.frames.filter((f) => f.size > 0) };
  };
  const result = compareFramemd5(strip(expectedText), strip(actualText));
  return { equal: result.equal, summary: result.summary };
}
