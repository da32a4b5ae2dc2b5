import type { ConnectorDefinition } from '../src/connector-sdk/types.js';
import dvcPortal from './dvc-portal/connector.js';
import gsoPxweb from './gso-pxweb/index.js';
import patentRegistry from './patent-registry/index.js';
import paymentStats from './payment-stats/index.js';
import spreadsheet from './spreadsheet/index.js';

/** The connectors that ship with lgsp-connect; each lives in its own folder (connectors/<id>/). */
export const builtInConnectors: readonly ConnectorDefinition[] = [dvcPortal, paymentStats, patentRegistry, gsoPxweb, spreadsheet];
