/**
 * `text` without a leading `<name>: ` (messages usually begin with the file they are about,
 * which the caller prints already). Only at the start: the same path later in the text,
 * e.g. a folder named again inside its own message, stays.
 */
export function withoutLeadingName(text: string, name: string): string {
  return text.startsWith(`${name}: `) ? text.slice(name.length + 2) : text;
}
