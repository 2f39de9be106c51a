import { createRequire } from 'node:module';
import type * as Xmlbuilder2 from 'xmlbuilder2';

// xmlbuilder2 (CommonJS) is loaded when the first document is built: importing it costs
// ~0.15 s at start-up, and most runs write their PREMIS only at the end.
const requireCjs = createRequire(import.meta.url);
let builder: typeof Xmlbuilder2 | undefined;
const xml = (): typeof Xmlbuilder2 => (builder ??= requireCjs('xmlbuilder2') as typeof Xmlbuilder2);
import type { Agent, EventObject, PreservationEvent, RunInfo } from './event.js';
import { digestAlgorithmLabel, EVENT_TYPE_AUTHORITY, eventOutcomeUri, eventTypeUri } from './event-vocabulary.js';
import { quoteArgs } from './quote-args.js';
import { writeTextAtomic } from './write-text-atomic.js';

type XMLBuilder = ReturnType<typeof Xmlbuilder2.create>;

export const PREMIS_NS = 'http://www.loc.gov/premis/v3';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
/** Our extension inside eventDetailExtension: the program's exact argv and the end time. */
export const AVPRES_PREMIS_NS = 'urn:x-avpres:premis-extension:1';
const SCHEMA_LOCATION = `${PREMIS_NS} https://www.loc.gov/standards/premis/v3/premis-v3-0.xsd`;

/**
 * A PREMIS 3 document for one run: an `object` per file the events touched (fixity, size,
 * format), an `event` per event, an `agent` for our tool, the operator and each external
 * program. Element order follows premis-v3-0.xsd.
 */
export function premisXml(run: RunInfo, events: readonly PreservationEvent[]): string {
  const doc = xml().create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc
    .ele(PREMIS_NS, 'premis:premis')
    .att(XMLNS_NS, 'xmlns:xsi', XSI_NS)
    .att(XMLNS_NS, 'xmlns:avpres', AVPRES_PREMIS_NS)
    .att(XSI_NS, 'xsi:schemaLocation', SCHEMA_LOCATION)
    .att('version', '3.0');

  const agents = collectAgents(run, events);
  for (const object of collectObjects(events)) writeObject(root, object);
  for (const event of events) writeEvent(root, event, agents);
  for (const agent of agents.values()) writeAgent(root, agent, run);
  return doc.end({ prettyPrint: true }) + '\n';
}

/** premisXml written atomically (a reader never sees half a document). */
export async function writePremisXml(file: string, run: RunInfo, events: readonly PreservationEvent[]): Promise<void> {
  await writeTextAtomic(file, premisXml(run, events));
}

function el(parent: XMLBuilder, name: string, text?: string): XMLBuilder {
  const child = parent.ele(PREMIS_NS, `premis:${name}`);
  if (text !== undefined) child.txt(text);
  return child;
}

function identifier(parent: XMLBuilder, element: string, prefix: string, type: string, value: string): XMLBuilder {
  const id = el(parent, element);
  el(id, `${prefix}Type`, type);
  el(id, `${prefix}Value`, value);
  return id;
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

function writeObject(root: XMLBuilder, object: ObjectRecord): void {
  const node = el(root, 'object').att(XSI_NS, 'xsi:type', 'premis:file');
  identifier(node, 'objectIdentifier', 'objectIdentifier', 'filepath', object.path);
  const chars = el(node, 'objectCharacteristics');
  el(chars, 'compositionLevel', '0');
  for (const [algorithm, digest] of Object.entries(object.hashes)) {
    const fixity = el(chars, 'fixity');
    el(fixity, 'messageDigestAlgorithm', digestAlgorithmLabel(algorithm));
    el(fixity, 'messageDigest', digest);
  }
  if (object.size !== undefined) el(chars, 'size', String(object.size));
  // format is required by the schema; "unidentified" is the honest value when no tool named it.
  const designation = el(el(chars, 'format'), 'formatDesignation');
  el(designation, 'formatName', object.format ?? 'unidentified');
  el(node, 'originalName', object.path.split('/').pop() ?? object.path);
  for (const id of object.eventIds) identifier(node, 'linkingEventIdentifier', 'linkingEventIdentifier', 'UUID', id);
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

function writeEvent(root: XMLBuilder, event: PreservationEvent, agents: Map<string, AgentRecord>): void {
  const node = el(root, 'event');
  identifier(node, 'eventIdentifier', 'eventIdentifier', 'UUID', event.id);
  el(node, 'eventType', event.type)
    .att('authority', 'eventType')
    .att('authorityURI', EVENT_TYPE_AUTHORITY)
    .att('valueURI', eventTypeUri(event.type));
  el(node, 'eventDateTime', event.start);
  const detail = el(node, 'eventDetailInformation');
  const program = event.program ? ` with ${event.program.program} ${event.program.version}: ${quoteArgs([event.program.path, ...event.program.args])}` : '';
  el(detail, 'eventDetail', `${event.detail}${program}`);
  const extension = el(detail, 'eventDetailExtension');
  extension.ele(AVPRES_PREMIS_NS, 'avpres:endDateTime').txt(event.end);
  if (event.program) {
    // Each argument as its own element: the argv survives exactly (spaces, quotes, unicode).
    const p = extension
      .ele(AVPRES_PREMIS_NS, 'avpres:program')
      .att('name', event.program.program)
      .att('version', event.program.version)
      .att('path', event.program.path);
    for (const arg of event.program.args) p.ele(AVPRES_PREMIS_NS, 'avpres:argument').txt(arg);
  }
  const outcome = el(node, 'eventOutcomeInformation');
  el(outcome, 'eventOutcome', event.outcome).att('valueURI', eventOutcomeUri(event.outcome));
  el(el(outcome, 'eventOutcomeDetail'), 'eventOutcomeDetailNote', event.detail);
  for (const agent of event.agents) {
    const record = agents.get(agentKey(agent));
    if (!record) continue;
    const link = identifier(node, 'linkingAgentIdentifier', 'linkingAgentIdentifier', 'local', record.key);
    el(link, 'linkingAgentRole', agent.role === 'person' ? 'implementer' : 'executing program');
  }
  for (const object of event.objects) writeLinkingObject(node, object);
}

function writeLinkingObject(node: XMLBuilder, object: EventObject): void {
  const link = identifier(node, 'linkingObjectIdentifier', 'linkingObjectIdentifier', 'filepath', object.path);
  if (object.role) el(link, 'linkingObjectRole', object.role === 'source' ? 'source' : 'outcome');
}

function writeAgent(root: XMLBuilder, record: AgentRecord, run: RunInfo): void {
  const node = el(root, 'agent');
  identifier(node, 'agentIdentifier', 'agentIdentifier', 'local', record.key);
  el(node, 'agentName', record.agent.name);
  el(node, 'agentType', record.agent.role);
  if (record.agent.version) el(node, 'agentVersion', record.agent.version);
  if (record.isRunTool) el(node, 'agentNote', `command line: ${quoteArgs(run.commandLine)}; run started ${run.start}`);
  if (record.path) el(node, 'agentNote', `executable: ${record.path}`);
}
