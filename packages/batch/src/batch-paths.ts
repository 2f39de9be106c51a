import { join } from 'node:path';

/** Where a batch keeps its own files: `<out>/avpres-batch/`. */
export interface BatchPaths {
  dir: string;
  ledger: string;
  report: string;
  /** One log (and event file) per job, named by job id. */
  logs: string;
  thumbnails: string;
}

export function batchPaths(outputDir: string, tool: string, ledger?: string): BatchPaths {
  const dir = join(outputDir, 'avpres-batch');
  return {
    dir,
    ledger: ledger ?? join(dir, `${tool}.ledger.jsonl`),
    report: join(dir, `${tool}-report.html`),
    logs: join(dir, 'logs'),
    thumbnails: join(dir, 'thumbnails'),
  };
}
