import { describe, expect, it } from 'vitest';
import { scanOrderFromMediainfo } from './scan-order.js';

const track = (type: string, body: string) => `<track type="${type}">${body}</track>`;
const doc = (...tracks: string[]) => `<?xml version="1.0"?><MediaInfo><media ref="a.avi">${tracks.join('')}</media></MediaInfo>`;

describe('scanOrderFromMediainfo', () => {
  it("reads the first video track's interlaced field order", () => {
    expect(scanOrderFromMediainfo(doc(track('General', '<ScanType>Progressive</ScanType>'), track('Video', '<ScanType>Interlaced</ScanType><ScanOrder>TFF</ScanOrder>')))).toBe('tt');
    expect(scanOrderFromMediainfo(doc(track('Video', '<ScanType>Interlaced</ScanType>\n<ScanOrder>BFF</ScanOrder>')))).toBe('bb');
  });
  it('says nothing for progressive, an interlaced track without an order, or no video', () => {
    expect(scanOrderFromMediainfo(doc(track('Video', '<ScanType>Progressive</ScanType>')))).toBeUndefined();
    expect(scanOrderFromMediainfo(doc(track('Video', '<ScanType>Interlaced</ScanType>')))).toBeUndefined();
    expect(scanOrderFromMediainfo(doc(track('Audio', '<ScanType>Interlaced</ScanType><ScanOrder>TFF</ScanOrder>')))).toBeUndefined();
    expect(scanOrderFromMediainfo('')).toBeUndefined();
  });
});
