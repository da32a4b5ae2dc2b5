export { loadAdminUnits, type LoadAdminUnitsOptions } from './load.js';
export { importGsoCatalogue, gsoCatalogueHeader, type Validity } from './gso-catalogue.js';
export type { AdminUnitsReport, LoadProblem } from './problems.js';
