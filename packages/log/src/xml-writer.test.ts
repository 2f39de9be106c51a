import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { XmlWriter } from './xml-writer.js';

const NS = 'urn:x-test';
const awkward = 'a "quoted" <tag> & \'apostrophe\'\twith tab\nand newline, é, 🎞, control \u0001 char';
// xmlbuilder2 writes tabs and line breaks in attributes literally, which a parser turns into spaces.
const awkwardAttribute = awkward.replace(/[\t\n]/g, ' ');

describe('XmlWriter', () => {
  it('writes what xmlbuilder2 writes for the same document, byte for byte', () => {
    const chunks: string[] = [];
    const ours = new XmlWriter((c) => chunks.push(c));
    ours.start('t:root', { 'xmlns:t': NS, version: '3.0' });
    ours.start('t:group', { note: awkwardAttribute });
    ours.leaf('t:item', awkward);
    ours.leaf('t:item', 'plain', { kind: 'x' });
    ours.start('t:inner').leaf('t:deep', '1').close();
    ours.close();
    ours.leaf('t:last', 'z');
    ours.end();

    const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
    const root = doc.ele(NS, 't:root').att('version', '3.0');
    const group = root.ele(NS, 't:group').att('note', awkwardAttribute);
    group.ele(NS, 't:item').txt(awkward);
    group.ele(NS, 't:item').att('kind', 'x').txt('plain');
    group.ele(NS, 't:inner').ele(NS, 't:deep').txt('1');
    root.ele(NS, 't:last').txt('z');
    expect(chunks.join('')).toBe(doc.end({ prettyPrint: true }));
  });

  it('keeps tabs and line breaks in attribute values through a parser', () => {
    const chunks: string[] = [];
    new XmlWriter((c) => chunks.push(c)).start('root', { note: 'a\tb\nc\r\nd' }).end();
    const parsed = create(chunks.join('')).root().node as unknown as Element;
    expect(parsed.getAttribute('note')).toBe('a\tb\nc\r\nd');
  });

  it('refuses to close what is not open', () => {
    const w = new XmlWriter(() => undefined);
    expect(() => w.close()).toThrow(/no open element/);
  });
});
