import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnvironmentError, type InputResult } from '@avpres/core';
import { access, ACCESS_ROLE, accessOutputPath, type AccessOptions } from '@avpres/access';
import { copyit } from '@avpres/copyit';
import type { HashAlgorithm } from '@avpres/fixity';
import type { ToolContext } from '@avpres/media';
import { MEDIA_EXTENSIONS, normalise } from '@avpres/normalise';
import { seq2ffv1, type Engine } from '@avpres/seq2ffv1';
import { validateTool } from '@avpres/sip';
import type { PlannedJob } from './job.js';
import type { PlanTool } from './plan.js';

/** A tool as the batch runner drives it: one job = one call of its library function on one input. */
export interface BatchTool extends PlanTool {
  /** Jobs at once when --jobs is not given. */
  defaultJobs: number;
  /** The role of the output the report's size, ratio and thumbnail come from. */
  mainRole: string;
  /** A done job without outputs (a check) is not redone while its input is unchanged. */
  keepDoneWithoutOutputs?: boolean;
  /** Whether a job's main output is a picture worth a thumbnail. */
  isVideo(job: PlannedJob): boolean;
  run(job: PlannedJob, ctx: ToolContext): Promise<InputResult[]>;
}

export interface NormaliseBatchOptions {
  slices?: number | undefined;
  allowLossy: boolean;
  strict: boolean;
  force: boolean;
}

/** normalise, one capture per job; one job at a time by default (each encode already keeps two cores busy). */
export function normaliseBatchTool(options: NormaliseBatchOptions, version: string): BatchTool {
  return {
    name: 'normalise',
    extensions: MEDIA_EXTENSIONS,
    identityOptions: { slices: options.slices ?? null, allowLossy: options.allowLossy },
    defaultJobs: 1,
    mainRole: 'preservation master',
    outputKey: (job) => join(job.outputDir, stem(job.input.path)),
    isVideo: () => true,
    run: (job, ctx) =>
      normalise(
        { inputs: [job.input.path], outputDir: job.outputDir, slices: options.slices, allowLossy: options.allowLossy, strict: options.strict, force: options.force },
        ctx,
        version,
      ),
  };
}

export interface CopyitBatchOptions {
  algorithm: HashAlgorithm;
  force: boolean;
}

/** copyit, one file per job; several at once by default (copies wait on the disk, not the CPU). */
export function copyitBatchTool(options: CopyitBatchOptions): BatchTool {
  return {
    name: 'copyit',
    extensions: undefined,
    identityOptions: { algorithm: options.algorithm },
    defaultJobs: 4,
    mainRole: 'copy',
    outputKey: (job) => join(job.outputDir, basename(job.input.path)),
    isVideo: (job) => MEDIA_EXTENSIONS.has(extension(job.input.path)),
    run: async (job, ctx) => {
      await mkdir(job.outputDir, { recursive: true }).catch((error: Error) => {
        throw new EnvironmentError(`cannot make the output folder ${job.outputDir}: ${error.message}`, { file: job.outputDir, cause: error });
      });
      return copyit({ sources: [job.input.path], destination: job.outputDir, algorithm: options.algorithm, force: options.force, overwrite: false, jobs: 1 }, ctx);
    },
  };
}

function stem(path: string): string {
  const name = basename(path);
  const ext = extension(name);
  return ext && ext !== name.toLowerCase() ? name.slice(0, -ext.length) : name;
}

function extension(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

export interface Seq2ffv1BatchOptions {
  engine: Engine;
  allowGaps: boolean;
  force: boolean;
}

/** seq2ffv1, one sequence folder per job (outputs named after the folder, beside its siblings' below the output). */
export function seq2ffv1BatchTool(options: Seq2ffv1BatchOptions): BatchTool {
  return {
    name: 'seq2ffv1',
    unit: 'sequence',
    extensions: undefined,
    identityOptions: { engine: options.engine, allowGaps: options.allowGaps },
    defaultJobs: 1,
    mainRole: 'preservation master',
    outputKey: (job) => join(job.outputDir, basename(job.input.path)),
    isVideo: () => true,
    run: (job, ctx) => seq2ffv1({ inputs: [job.input.path], outputDir: job.outputDir, engine: options.engine, allowGaps: options.allowGaps, force: options.force }, ctx),
  };
}

/** validate, one package per job: writes nothing, so a done job is kept while the package is unchanged. */
export function validateBatchTool(): BatchTool {
  return {
    name: 'validate',
    unit: 'package',
    extensions: undefined,
    identityOptions: {},
    // Hashing is CPU-bound (md5 about 580 MB/s per core): two packages at once on two cores.
    defaultJobs: 2,
    mainRole: '',
    keepDoneWithoutOutputs: true,
    outputKey: (job) => job.input.path,
    isVideo: () => false,
    run: (job, ctx) => validateTool({ packages: [job.input.path] }, ctx),
  };
}

/** access's options less its inputs and output folder (the job gives those). */
export type AccessBatchOptions = Omit<AccessOptions, 'inputs' | 'outputDir'>;

/** access, one master per job; one at a time by default (x264 uses both cores). */
export function accessBatchTool(options: AccessBatchOptions): BatchTool {
  const { force, ...identity } = options;
  return {
    name: 'access',
    extensions: MEDIA_EXTENSIONS,
    identityOptions: identity,
    defaultJobs: 1,
    mainRole: ACCESS_ROLE,
    outputKey: (job) => accessOutputPath(job.input.path, job.outputDir),
    isVideo: () => true,
    run: (job, ctx) => access({ ...options, force, inputs: [job.input.path], outputDir: job.outputDir }, ctx),
  };
}

/** A tool and its options as plain data: what a queued job carries to a worker. */
export type ToolSpec =
  | { tool: 'normalise'; options: NormaliseBatchOptions }
  | { tool: 'copyit'; options: CopyitBatchOptions }
  | { tool: 'seq2ffv1'; options: Seq2ffv1BatchOptions }
  | { tool: 'access'; options: AccessBatchOptions }
  | { tool: 'validate'; options: Record<string, never> };

export const BATCH_TOOL_NAMES = ['normalise', 'copyit', 'seq2ffv1', 'access', 'validate'] as const;

export function batchToolFor(spec: ToolSpec, version: string): BatchTool {
  switch (spec.tool) {
    case 'normalise':
      return normaliseBatchTool(spec.options, version);
    case 'copyit':
      return copyitBatchTool(spec.options);
    case 'seq2ffv1':
      return seq2ffv1BatchTool(spec.options);
    case 'access':
      return accessBatchTool(spec.options);
    case 'validate':
      return validateBatchTool();
  }
}
