export { readDpxHeader, type DpxHeader, type DpxElement } from './dpx-header.js';
export { dpxLayout, type FrameLayout, type PackKind } from './frame-layout.js';
export { tiffLayout, type TiffImage } from './tiff-layout.js';
export { packFrame, paddingPositions, extractPadding, restorePadding, type PaddingBits } from './pack-frame.js';
