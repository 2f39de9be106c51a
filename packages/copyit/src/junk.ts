/** Files operating systems leave behind, never part of a collection: skipped and logged. */
const JUNK_NAMES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini', 'ehthumbs.db', '.localized']);

/** True for `.DS_Store`, `Thumbs.db`, `desktop.ini` and AppleDouble `._*` files (by name, any case). */
export function isJunk(name: string): boolean {
  return JUNK_NAMES.has(name.toLowerCase()) || name.startsWith('._');
}
