import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { Logger } from './logger.js';
import { PremisSink } from './premis-sink.js';
import { AVPRES_PREMIS_NS, PREMIS_NS, premisXml } from './premis.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function parse(xml: string) {
  // Parse back with a real XML parser (xmlbuilder2's DOM), not string matching.
  const doc = create(xml).node as unknown as Document;
  const all = (name: string, within: Document | Element = doc) => Array.from(within.getElementsByTagNameNS(PREMIS_NS, name));
  const text = (within: Element, name: string) => all(name, within).map((e) => e.textContent ?? '');
  return { doc, all, text };
}

function sampleRun() {
  const premis = new PremisSink();
  const logger = new Logger({ tool: 'avpres test', version: '9.9.9', user: 'ana', commandLine: ['avpres', 'test', '-i', 'a b.mov'], sinks: [premis] });
  logger
    .begin('message digest calculation', 'md5 of source', { objects: [{ path: '/in/tape é.mov', role: 'source', size: 10, hashes: { md5: 'a'.repeat(32) } }] })
    .succeed();
  const norm = logger.begin('normalization', 'FFV1 of tape', {
    program: { program: 'ffmpeg', path: '/usr/bin/ffmpeg', version: '5.1.6', args: ['-i', '/in/tape é.mov', '-c:v', 'ffv1', "it's <here> & there"] },
  });
  norm.addObjects({ path: 'objects/tape.mkv', role: 'outcome', size: 5, hashes: { md5: 'b'.repeat(32), sha256: 'c'.repeat(64) }, format: 'Matroska' });
  norm.warn('field order guessed');
  logger.begin('fixity check', 'framemd5 compare').fail('frame 3 differs');
  return { logger, premis };
}

describe('premisXml', () => {
  it('is well-formed PREMIS 3 in the right namespace with version 3.0', () => {
    const { logger, premis } = sampleRun();
    const { doc } = parse(premisXml(logger.run, premis.events));
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe(PREMIS_NS);
    expect(root.localName).toBe('premis');
    expect(root.getAttribute('version')).toBe('3.0');
  });

  it('holds every event of the run with its type, outcome, UUID and times', () => {
    const { logger, premis } = sampleRun();
    const { all, text } = parse(premis.xml());
    const events = all('event');
    expect(events).toHaveLength(3);
    expect(events.map((e) => text(e, 'eventType')[0])).toEqual(['message digest calculation', 'normalization', 'fixity check']);
    expect(events.map((e) => text(e, 'eventOutcome')[0])).toEqual(['success', 'warning', 'failure']);
    expect(events.map((e) => text(e, 'eventIdentifierValue')[0])).toEqual(logger.recordedEvents.map((e) => e.id));
    for (const value of events.map((e) => text(e, 'eventIdentifierValue')[0])) expect(value).toMatch(/^[0-9a-f-]{36}$/);
    expect(all('eventType')[0]!.getAttribute('valueURI')).toBe('http://id.loc.gov/vocabulary/preservation/eventType/mes');
    expect(text(events[2]!, 'eventDetail')[0]).toContain('frame 3 differs');
  });

  it('records the program argv exactly, one element per argument', () => {
    const { premis } = sampleRun();
    const { all } = parse(premis.xml());
    const program = all('event')[1]!.getElementsByTagNameNS(AVPRES_PREMIS_NS, 'program')[0]!;
    expect(program.getAttribute('version')).toBe('5.1.6');
    const args = Array.from(program.getElementsByTagNameNS(AVPRES_PREMIS_NS, 'argument')).map((a) => a.textContent);
    expect(args).toEqual(['-i', '/in/tape é.mov', '-c:v', 'ffv1', "it's <here> & there"]);
  });

  it('has objects with fixity and size, and agents for tool, operator and program', () => {
    const { premis } = sampleRun();
    const { all, text } = parse(premis.xml());
    const objects = all('object');
    expect(objects.map((o) => text(o, 'objectIdentifierValue')[0])).toEqual(['/in/tape é.mov', 'objects/tape.mkv']);
    expect(objects[0]!.getAttributeNS(XSI, 'type')).toBe('premis:file');
    expect(text(objects[1]!, 'messageDigestAlgorithm')).toEqual(['MD5', 'SHA-256']);
    expect(text(objects[1]!, 'messageDigest')).toEqual(['b'.repeat(32), 'c'.repeat(64)]);
    expect(text(objects[1]!, 'size')).toEqual(['5']);
    expect(text(objects[1]!, 'formatName')).toEqual(['Matroska']);
    const agents = all('agent').map((a) => [text(a, 'agentName')[0], text(a, 'agentType')[0], text(a, 'agentVersion')[0]]);
    expect(agents).toEqual([
      ['avpres test', 'software', '9.9.9'],
      ['ana', 'person', undefined],
      ['ffmpeg', 'software', '5.1.6'],
    ]);
    expect(text(all('agent')[0]!, 'agentNote')[0]).toContain("avpres test -i 'a b.mov'");
  });

  it('PremisSink with a path writes the document when the logger finishes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'avpres-premis-'));
    const file = join(dir, 'run_premis.xml');
    const logger = new Logger({ tool: 'avpres test', version: '1', user: 'u', commandLine: ['avpres'], sinks: [new PremisSink(file)] });
    logger.begin('validation', 'check').succeed();
    await logger.finish('success', 0, 'ok');
    const { all } = parse(await readFile(file, 'utf8'));
    expect(all('event')).toHaveLength(1);
  });

  it('streams a long run to its file whole: every object and event, in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'avpres-premis-'));
    const file = join(dir, 'run_premis.xml');
    const premis = new PremisSink(file);
    const logger = new Logger({ tool: 'avpres test', version: '1', user: 'u', commandLine: ['avpres'], sinks: [premis] });
    const count = 3000; // more than the 2,000 the in-memory document used to allow
    for (let i = 0; i < count; i++) {
      logger.begin('message digest calculation', `md5 of frame ${i}`, { objects: [{ path: `scan/f${i}.dpx`, role: 'source', size: i, hashes: { md5: 'a'.repeat(32) } }] }).succeed();
    }
    await logger.finish('success', 0, 'ok');
    const text = await readFile(file, 'utf8');
    expect(text).toBe(premisXml(premis.run!, premis.events));
    const { all, text: textOf } = parse(text);
    const events = all('event');
    expect(events).toHaveLength(count);
    expect(textOf(events[count - 1]!, 'eventDetail')).toEqual([`md5 of frame ${count - 1}`]);
    expect(all('object').map((o) => textOf(o, 'objectIdentifierValue')[0])).toEqual(Array.from({ length: count }, (_, i) => `scan/f${i}.dpx`));
  });
});
