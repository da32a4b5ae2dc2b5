import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { LgspError } from '../errors.js';
import type { ConnectorDefinition } from './types.js';

export class UnknownConnectorError extends LgspError {
  constructor(id: string, known: readonly string[]) {
    super('CONNECTOR_UNKNOWN', `connector "${id}" is not installed in this process; installed: ${known.join(', ') || 'none'}. Check the connection's connector id or LGSP_CONNECTOR_MODULES.`);
  }
}

/** The connectors a process can run, by id. */
export class ConnectorRegistry {
  private readonly byId = new Map<string, ConnectorDefinition>();

  constructor(connectors: readonly ConnectorDefinition[] = []) {
    for (const c of connectors) this.add(c);
  }

  add(connector: ConnectorDefinition): void {
    if (this.byId.has(connector.id)) throw new LgspError('CONNECTOR_DUPLICATE', `two connectors have the id "${connector.id}"`);
    this.byId.set(connector.id, connector);
  }

  get(id: string): ConnectorDefinition {
    const c = this.byId.get(id);
    if (!c) throw new UnknownConnectorError(id, this.ids());
    return c;
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}

function isConnector(value: unknown): value is ConnectorDefinition {
  return typeof value === 'object' && value !== null && 'id' in value && 'streams' in value && 'check' in value;
}

/**
 * Adds connectors from extra modules (LGSP_CONNECTOR_MODULES): each module's default export is a connector
 * or a list of them. How a steward's own connector joins the workers without changing this code base.
 */
export async function loadConnectorModules(registry: ConnectorRegistry, modules: readonly string[]): Promise<void> {
  for (const m of modules) {
    const loaded = (await import(pathToFileURL(resolve(m)).href)) as { default?: unknown };
    const exported = Array.isArray(loaded.default) ? (loaded.default as unknown[]) : [loaded.default];
    for (const c of exported) {
      if (!isConnector(c)) throw new LgspError('CONNECTOR_MODULE_INVALID', `${m}: the default export is not a connector (see src/connector-sdk/types.ts)`);
      registry.add(c);
    }
  }
}
