/** The IFI package tree (also inside a bag's data/): where each kind of file goes. */
export const PACKAGE_FOLDERS = {
  objects: 'objects',
  logs: 'logs',
  metadata: 'metadata',
  supplemental: 'metadata/supplemental',
  /** What validate insists on; supplemental may be absent in packages made elsewhere. */
  required: ['objects', 'logs', 'metadata'] as const,
} as const;
