export { sidecarNames, type SidecarNames } from './sidecar-names.js';
export { buildSip, partialPackageDir, type SipRequest, type SipResult } from './build-sip.js';
export { validatePackage } from './validate-package.js';
export type { PackageValidation, ValidateOptions } from './package-check.js';
export { locatePackages, searchPackages, IFI_MANIFEST_SUFFIX, type LocatedPackage, type PackageLayout, type UncheckablePackage } from './locate-package.js';
export { planSip, type SipPlan, type PlannedFile, type PlannedObject, type PlanRequest } from './sip-plan.js';
export { checkOeNumber, packageUuid } from './identifiers.js';
export { checkOutputOutsideSources } from './outside-sources.js';
export { choosePackage, type PackageJob, type PackageJobRequest, type PackageState } from './package-job.js';
export { PACKAGE_FOLDERS } from './package-folders.js';
export { byteProgress } from './byte-progress.js';
export {
  bagitTxt,
  formatBagInfo,
  parseBagInfo,
  formatBagManifest,
  parseBagManifest,
  encodeBagPath,
  decodeBagPath,
  payloadOxum,
  type BagInfo,
} from './bagit.js';
export { sipTool, type SipOptions } from './sip-tool.js';
export { validateTool } from './validate-tool.js';
