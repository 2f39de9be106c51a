import type { Agent, EventObject, PreservationEvent, RunInfo } from './event.js';
import { digestAlgorithmLabel, EVENT_TYPE_AUTHORITY, eventOutcomeUri, eventTypeUri } from './event-vocabulary.js';
import { quoteArgs } from './quote-args.js';
import { writeTextAtomic } from './write-text-atomic.js';
import { XmlWriter } from './xml-writer.js';

export const PREMIS_NS = 'http://www.loc.gov/premis/v3';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Our extension inside eventDetailExtension: the program's exact argv and the end time. */
export const AVPRES_PREMIS_NS = 'urn:x-avpres:premis-extension:1';
const SCHEMA_LOCATION = `${PREMIS_NS} https://www.loc.gov/standards/premis/v3/premis-v3-0.xsd`;

/**
 * A PREMIS 3 document for one run: an `object` per file the events touched (fixity, size,
 * format), an `event` per event, an `agent` for our tool, the operator and each external
 * program. Element order follows premis-v3-0.xsd.
 */
export function premisXml(run: RunInfo, events: readonly PreservationEvent[]): string {
  const chunks: string[] = [];
  for (const part of premisParts(run, events, (chunk) => chunks.push(chunk))) void part;
  return chunks.join('');
}

/**
 * premisXml streamed to a file, written atomically (a reader never sees half a document):
 * a run of 20,000 events needs neither the whole text nor a document tree in memory.
 */
export async function writePremisXml(file: string, run: RunInfo, events: readonly PreservationEvent[]): Promise<void> {
  await writeTextAtomic(file, async (write) => {
    let pending = '';
    for (const part of premisParts(run, events, (chunk) => (pending += chunk))) {
      void part;
      if (pending.length < FLUSH_CHARS) continue;
      await write(pending);
      pending = '';
    }
    await write(pending);
  });
}

/** Characters gathered before they are written out. */
const FLUSH_CHARS = 1 << 20;

/** Serialise the document into `out`, pausing (yield) after each object and event. */
function* premisParts(run: RunInfo, events: readonly PreservationEvent[], out: (chunk: string) => void): Generator<void> {
  const xml = new XmlWriter(out);
  xml.start('premis:premis', {
    'xmlns:premis': PREMIS_NS,
    'xmlns:xsi': XSI_NS,
    'xmlns:avpres': AVPRES_PREMIS_NS,
    'xsi:schemaLocation': SCHEMA_LOCATION,
    version: '3.0',
  });
  const agents = collectAgents(run, events);
  for (const object of collectObjects(events)) {
    writeObject(xml, object);
    yield;
  }
  for (const event of events) {
    writeEvent(xml, event, agents);
    yield;
  }
  for (const agent of agents.values()) writeAgent(xml, agent, run);
  xml.end();
  out('\n');
}

const el = (xml: XmlWriter, name: string, text: string, attributes?: Record<string, string>) => xml.leaf(`premis:${name}`, text, attributes);
const open = (xml: XmlWriter, name: string, attributes?: Record<string, string>) => xml.start(`premis:${name}`, attributes);

/** An identifier element (type and value), left open for what else it holds. */
function identifier(xml: XmlWriter, element: string, prefix: string, type: string, value: string): XmlWriter {
  open(xml, element);
  el(xml, `${prefix}Type`, type);
  el(xml, `${prefix}Value`, value);
  return xml;
}

interface ObjectRecord {
  path: string;
  size?: number;
  hashes: Record<string, string>;
  format?: string;
  eventIds: string[];
}

/** One record per path, merging what every event knew about it. */
function collectObjects(events: readonly PreservationEvent[]): ObjectRecord[] {
  const byPath = new Map<string, ObjectRecord>();
  for (const event of events) {
    for (const o of event.objects) {
      let record = byPath.get(o.path);
      if (!record) {
        record = { path: o.path, hashes: {}, eventIds: [] };
        byPath.set(o.path, record);
      }
      if (o.size !== undefined) record.size = o.size;
      if (o.format !== undefined) record.format = o.format;
      Object.assign(record.hashes, o.hashes ?? {});
      if (!record.eventIds.includes(event.id)) record.eventIds.push(event.id);
    }
  }
  return [...byPath.values()];
}

function writeObject(xml: XmlWriter, object: ObjectRecord): void {
  open(xml, 'object', { 'xsi:type': 'premis:file' });
  identifier(xml, 'objectIdentifier', 'objectIdentifier', 'filepath', object.path).close();
  open(xml, 'objectCharacteristics');
  el(xml, 'compositionLevel', '0');
  for (const [algorithm, digest] of Object.entries(object.hashes)) {
    open(xml, 'fixity');
    el(xml, 'messageDigestAlgorithm', digestAlgorithmLabel(algorithm));
    el(xml, 'messageDigest', digest);
    xml.close();
  }
  if (object.size !== undefined) el(xml, 'size', String(object.size));
  // format is required by the schema; "unidentified" is the honest value when no tool named it.
  open(open(xml, 'format'), 'formatDesignation');
  el(xml, 'formatName', object.format ?? 'unidentified');
  xml.close().close().close(); // formatDesignation, format, objectCharacteristics
  el(xml, 'originalName', object.path.split('/').pop() ?? object.path);
  for (const id of object.eventIds) identifier(xml, 'linkingEventIdentifier', 'linkingEventIdentifier', 'UUID', id).close();
  xml.close();
}

interface AgentRecord {
  key: string;
  agent: Agent;
  /** Set for external programs: the executable that ran. */
  path?: string;
  isRunTool: boolean;
}

function agentKey(agent: Agent): string {
  return `${agent.role}:${agent.name}${agent.version ? ` ${agent.version}` : ''}`;
}

function collectAgents(run: RunInfo, events: readonly PreservationEvent[]): Map<string, AgentRecord> {
  const agents = new Map<string, AgentRecord>();
  const add = (agent: Agent, extra: Partial<AgentRecord> = {}) => {
    const key = agentKey(agent);
    if (!agents.has(key)) agents.set(key, { key, agent, isRunTool: false, ...extra });
  };
  add({ role: 'software', name: run.tool, version: run.version }, { isRunTool: true });
  add({ role: 'person', name: run.user });
  for (const event of events) {
    for (const agent of event.agents) {
      const isProgram = event.program && agent.name === event.program.program && agent.version === event.program.version;
      add(agent, isProgram ? { path: event.program!.path } : {});
    }
  }
  return agents;
}

function writeEvent(xml: XmlWriter, event: PreservationEvent, agents: Map<string, AgentRecord>): void {
  open(xml, 'event');
  identifier(xml, 'eventIdentifier', 'eventIdentifier', 'UUID', event.id).close();
  el(xml, 'eventType', event.type, { authority: 'eventType', authorityURI: EVENT_TYPE_AUTHORITY, valueURI: eventTypeUri(event.type) });
  el(xml, 'eventDateTime', event.start);
  open(xml, 'eventDetailInformation');
  const program = event.program ? ` with ${event.program.program} ${event.program.version}: ${quoteArgs([event.program.path, ...event.program.args])}` : '';
  el(xml, 'eventDetail', `${event.detail}${program}`);
  open(xml, 'eventDetailExtension');
  xml.leaf('avpres:endDateTime', event.end);
  if (event.program) {
    // Each argument as its own element: the argv survives exactly (spaces, quotes, unicode).
    xml.start('avpres:program', { name: event.program.program, version: event.program.version, path: event.program.path });
    for (const arg of event.program.args) xml.leaf('avpres:argument', arg);
    xml.close();
  }
  xml.close().close(); // eventDetailExtension, eventDetailInformation
  open(xml, 'eventOutcomeInformation');
  el(xml, 'eventOutcome', event.outcome, { valueURI: eventOutcomeUri(event.outcome) });
  open(xml, 'eventOutcomeDetail');
  el(xml, 'eventOutcomeDetailNote', event.detail);
  xml.close().close(); // eventOutcomeDetail, eventOutcomeInformation
  for (const agent of event.agents) {
    const record = agents.get(agentKey(agent));
    if (!record) continue;
    identifier(xml, 'linkingAgentIdentifier', 'linkingAgentIdentifier', 'local', record.key);
    el(xml, 'linkingAgentRole', agent.role === 'person' ? 'implementer' : 'executing program');
    xml.close();
  }
  for (const object of event.objects) writeLinkingObject(xml, object);
  xml.close();
}

function writeLinkingObject(xml: XmlWriter, object: EventObject): void {
  identifier(xml, 'linkingObjectIdentifier', 'linkingObjectIdentifier', 'filepath', object.path);
  if (object.role) el(xml, 'linkingObjectRole', object.role === 'source' ? 'source' : 'outcome');
  xml.close();
}

function writeAgent(xml: XmlWriter, record: AgentRecord, run: RunInfo): void {
  open(xml, 'agent');
  identifier(xml, 'agentIdentifier', 'agentIdentifier', 'local', record.key).close();
  el(xml, 'agentName', record.agent.name);
  el(xml, 'agentType', record.agent.role);
  if (record.agent.version) el(xml, 'agentVersion', record.agent.version);
  if (record.isRunTool) el(xml, 'agentNote', `command line: ${quoteArgs(run.commandLine)}; run started ${run.start}`);
  if (record.path) el(xml, 'agentNote', `executable: ${record.path}`);
  xml.close();
}
