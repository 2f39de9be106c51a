export {
  AvpresError,
  UsageError,
  InputError,
  VerificationError,
  EnvironmentError,
  InterruptedError,
  ExitCode,
  type ExitCodeValue,
  type AvpresErrorOptions,
} from './errors.js';
export { FfmpegError, type FfmpegErrorDetails } from './ffmpeg-error.js';
export { exitCodeFor, mostSerious, isEnvironmentErrno, ENVIRONMENT_ERRNO } from './exit-code.js';
export type { OutputRecord, Verification, InputStatus, InputResult } from './result.js';
export { eachInput, failedResult } from './each-input.js';
export { withoutLeadingName } from './leading-name.js';
