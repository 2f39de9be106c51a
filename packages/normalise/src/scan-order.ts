/**
 * The field order MediaInfo reads in a source's first video track, as ffmpeg's
 * `-field_order` names it: 'tt' (top field first) or 'bb'; undefined when it says
 * progressive, names no order, or has no video track. ffprobe knows no field order in
 * some files that record one (an AVI's vprp chunk): without this the MKV would lose it.
 */
export function scanOrderFromMediainfo(xml: string): 'tt' | 'bb' | undefined {
  const video = /<track type="Video"[^>]*>([\s\S]*?)<\/track>/.exec(xml)?.[1];
  if (!video) return undefined;
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(video)?.[1]?.trim();
  if (field('ScanType') !== 'Interlaced') return undefined;
  const order = field('ScanOrder');
  return order === 'TFF' ? 'tt' : order === 'BFF' ? 'bb' : undefined;
}
