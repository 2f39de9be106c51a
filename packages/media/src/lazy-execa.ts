let loaded: Promise<typeof import('execa')> | undefined;

/**
 * execa, imported on first use: importing it costs ~0.2 s of CPU at start-up, which
 * commands that never start a program (copyit, verify, validate) should not pay.
 */
export function loadExeca(): Promise<typeof import('execa')> {
  return (loaded ??= import('execa'));
}
