import type { ConnectorDefinition } from '../src/connector-sdk/types.js';

/** The connectors that ship with lgsp-connect; each lives in its own folder (connectors/<id>/). */
export const builtInConnectors: readonly ConnectorDefinition[] = [];
