import type { EventType, Outcome } from './event.js';

/** LoC preservation vocabularies (id.loc.gov/vocabulary/preservation/...) we cite in PREMIS. */
export const EVENT_TYPE_AUTHORITY = 'http://id.loc.gov/vocabulary/preservation/eventType';

const EVENT_TYPE_CODES: Record<EventType, string> = {
  capture: 'cap',
  compression: 'com',
  creation: 'cre',
  decompression: 'dec',
  deletion: 'del',
  'fixity check': 'fix',
  'format identification': 'for',
  'information package creation': 'ipc',
  ingestion: 'ing',
  'message digest calculation': 'mes',
  'metadata extraction': 'mee',
  migration: 'mig',
  normalization: 'nor',
  packing: 'pac',
  replication: 'rep',
  transfer: 'tra',
  validation: 'val',
};

/** The id.loc.gov URI of an event-type word. */
export function eventTypeUri(type: EventType): string {
  return `${EVENT_TYPE_AUTHORITY}/${EVENT_TYPE_CODES[type]}`;
}

export const EVENT_OUTCOME_AUTHORITY = 'http://id.loc.gov/vocabulary/preservation/eventOutcome';

// eventOutcome codes: suc(cess), fai(lure), war(ning).
const OUTCOME_CODES: Record<Outcome, string> = { success: 'suc', failure: 'fai', warning: 'war' };

export function eventOutcomeUri(outcome: Outcome): string {
  return `${EVENT_OUTCOME_AUTHORITY}/${OUTCOME_CODES[outcome]}`;
}

/** PREMIS cryptographicHashFunctions labels for our algorithm names. */
export function digestAlgorithmLabel(algorithm: string): string {
  const known: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512', xxh128: 'XXH128' };
  return known[algorithm.toLowerCase()] ?? algorithm;
}
