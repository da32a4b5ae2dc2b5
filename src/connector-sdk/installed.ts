import { builtInConnectors } from '../../connectors/index.js';
import { ConnectorRegistry, loadConnectorModules } from './registry.js';

/** The built-in connectors plus those of LGSP_CONNECTOR_MODULES: what a worker or the CLI can run. */
export async function installedConnectors(extraModules: readonly string[]): Promise<ConnectorRegistry> {
  const registry = new ConnectorRegistry(builtInConnectors);
  await loadConnectorModules(registry, extraModules);
  return registry;
}
