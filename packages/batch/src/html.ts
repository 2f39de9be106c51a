/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A relative path as an href: each segment percent-encoded, forward slashes. */
export function hrefOf(relPath: string): string {
  return relPath.split(/[\\/]/).map(encodeURIComponent).join('/');
}
