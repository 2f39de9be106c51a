export { sidecarNames, type SidecarNames } from './sidecar-names.js';
