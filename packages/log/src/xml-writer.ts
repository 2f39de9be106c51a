/**
 * A small streaming XML writer for documents we lay out ourselves (PREMIS): elements are
 * written as they are opened and closed, nothing is kept but the open elements' names.
 * xmlbuilder2 builds a DOM node per element even in its callback mode (~2-5 ms per PREMIS
 * event), which a run of 20,000 events cannot afford. The output is indented like
 * xmlbuilder2's pretty print (two spaces; an element holding only text on one line), and a
 * test checks it is byte-identical to xmlbuilder2's for the same document; unlike it, tabs
 * and line breaks in attribute values are kept (as character references).
 */
export class XmlWriter {
  private readonly open: string[] = [];
  /** Whether the innermost open element has had its start tag closed by a child. */
  private hasChildren: boolean[] = [];

  constructor(private readonly out: (chunk: string) => void) {
    out('<?xml version="1.0" encoding="UTF-8"?>');
  }

  /** Open an element; children follow until `close()`. */
  start(name: string, attributes?: Record<string, string>): this {
    this.beginChild();
    this.out(`\n${this.indent()}<${name}${attributeText(attributes)}>`);
    this.open.push(name);
    this.hasChildren.push(false);
    return this;
  }

  /** An element holding only text. */
  leaf(name: string, text: string, attributes?: Record<string, string>): this {
    this.beginChild();
    const open = `<${name}${attributeText(attributes)}`;
    this.out(`\n${this.indent()}${text === '' ? `${open}/>` : `${open}>${escapeText(text)}</${name}>`}`);
    return this;
  }

  close(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter: close() with no open element');
    const hadChildren = this.hasChildren.pop();
    this.out(hadChildren ? `\n${this.indent()}</${name}>` : `</${name}>`);
    return this;
  }

  /** Close every open element. */
  end(): void {
    while (this.open.length > 0) this.close();
  }

  private beginChild(): void {
    if (this.hasChildren.length > 0) this.hasChildren[this.hasChildren.length - 1] = true;
  }

  private indent(): string {
    return (INDENTS[this.open.length] ??= '  '.repeat(this.open.length));
  }
}

/** Indentation by depth, made once each. */
const INDENTS: string[] = [];

// Everything outside XML 1.0's Char production (control characters in a file name, say):
// written as U+FFFD, so the document stays well-formed.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Most text (hashes, paths, dates) needs no escaping: one test spares four replaces.
const NEEDS_ESCAPE = /[&<>]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Tabs and line breaks as references: a parser turns literal ones in an attribute into spaces.
function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_NEEDS_ESCAPE.test(value)) return value;
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const ATTRIBUTE_NEEDS_ESCAPE = /["\t\n\r&<>]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

// Most elements have no attributes: no entries to list then (a PREMIS event writes ~40 elements).
function attributeText(attributes: Record<string, string> | undefined): string {
  if (attributes === undefined) return '';
  let text = '';
  for (const name in attributes) text += ` ${name}="${escapeAttribute(attributes[name]!)}"`;
  return text;
}
