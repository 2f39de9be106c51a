import { ENVIRONMENT_ERRNO, EnvironmentError, InputError } from '@avpres/core';

/**
 * A file-system error as one of ours, naming the file: a missing source or a folder where
 * a file was expected is bad input (2); permission, no space, read-only, I/O errors are
 * the environment (3). Anything else is returned as it is.
 */
export function fsError(file: string, error: unknown, doing: 'read' | 'write' = 'read'): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && doing === 'read') return new InputError(`${file}: no such file`, { file, cause: error });
  if (code === 'EISDIR') return new InputError(`${file}: is a folder, not a file`, { file, cause: error });
  if (code === 'ENOTDIR' || code === 'EEXIST') return new InputError(`${file}: a file is in the way of a folder`, { file, cause: error });
  if (code === 'ENOSPC' || code === 'EDQUOT') return new EnvironmentError(`${file}: no space left on the destination`, { file, cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new EnvironmentError(`${file}: permission denied (cannot ${doing})`, { file, cause: error });
  if (code !== undefined && ENVIRONMENT_ERRNO.has(code)) return new EnvironmentError(`${file}: cannot ${doing} (${code})`, { file, cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
