export { runBatch, type BatchOptions } from './run-batch.js';
export {
  normaliseBatchTool,
  copyitBatchTool,
  seq2ffv1BatchTool,
  validateBatchTool,
  accessBatchTool,
  batchToolFor,
  BATCH_TOOL_NAMES,
  type BatchTool,
  type ToolSpec,
  type NormaliseBatchOptions,
  type CopyitBatchOptions,
  type Seq2ffv1BatchOptions,
  type AccessBatchOptions,
} from './batch-tools.js';
export { executeJob, type JobEnv } from './execute-job.js';
export { planJobs, parseList, type Plan, type PlanFilters, type PlanProblem, type PlanTool } from './plan.js';
export { jobId, type JobInput, type PlannedJob } from './job.js';
export { Ledger, foldLedger, parseLedger, readLedger, type JobState, type JobSummary, type LedgerRecord } from './ledger.js';
export { decideResume, type ResumeDecision, type ResumeOptions } from './resume.js';
export { renderReport, reportRow, writeReport, type ReportInput, type ReportRow } from './report.js';
export { batchPaths, type BatchPaths } from './batch-paths.js';
export { globMatcher, globToRegExp } from './glob.js';
export { escapeHtml } from './html.js';
export { thumbnailArgs, makeThumbnail } from './thumbnail.js';
export { parsePathMap, mapPath, type PathMapping } from './path-map.js';
export { redisOptions, DEFAULT_REDIS_URL } from './redis-connection.js';
export { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queue-data.js';
export { enqueueJobs, type EnqueueOptions, type EnqueuedJob } from './enqueue.js';
export { queueStatus, type QueueStatus } from './queue-status.js';
export { runWorker, type WorkerOptions } from './run-worker.js';
export { findSequenceFolders, findPackages, type JobUnit, type FoundUnit } from './units.js';
