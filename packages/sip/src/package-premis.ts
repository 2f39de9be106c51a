import type { Logger, PreservationEvent, RunInfo } from '@avpres/log';
import { writePremisXml } from '@avpres/log';

/**
 * The package's PREMIS XML, written before the manifest so the manifest covers it: the
 * caller's events (e.g. a normalisation run) and the build's own, each once.
 */
export async function writePackagePremis(args: {
  file: string;
  rel: string;
  premis: { run: RunInfo; events: readonly PreservationEvent[] };
  buildEvents: readonly PreservationEvent[];
  logger: Logger;
}): Promise<void> {
  const seen = new Set<string>();
  const events = [...args.premis.events, ...args.buildEvents].filter((e) => !seen.has(e.id) && Boolean(seen.add(e.id)));
  await writePremisXml(args.file, args.premis.run, events);
  args.logger.info(`PREMIS XML with ${events.length} events: ${args.rel}`);
}
